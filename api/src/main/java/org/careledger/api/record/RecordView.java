package org.careledger.api.record;

import org.careledger.reading.ReadEntry;
import org.careledger.reading.RecordRead;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A record as its reader may see it: the basis that allowed the read (with its grant or emergency), the policy
 * version, the receipt (ids of the events the decision relied on), demographics, the disclosed entries (latest
 * versions) and how many were withheld — in all and per reason ({@code withheldReasons}: ROLE_VIEW, PRIVATE, SEALED,
 * NO_SHARE_OUT_CONSENT, ...; never which entries) — and the id of the audit event that recorded this read.
 */
public record RecordView(String patient, String basis, String grant, String emergency, String policyVersion,
                         List<String> receipt, Demographics demographics, List<Entry> entries, int withheld,
                         Map<String, Integer> withheldReasons, String auditEvent) {

    /** One entry's latest version; {@code version} is also its ETag. */
    public record Entry(String entry, int version, String section, String sensitivity, String authoringOrganisation,
                        String author, Instant recordedAt, EntryContent content) {
        static Entry of(ReadEntry e) {
            return new Entry(e.entry().toString(), e.version(), e.section().name(), e.sensitivity().name(),
                    e.authoringOrganisation().value(), e.author().toString(), e.recordedAt(), e.content());
        }
    }

    public static RecordView of(RecordRead read) {
        return new RecordView(read.patient().value(), read.basis().name(),
                read.grant() == null ? null : read.grant().toString(),
                read.emergency() == null ? null : read.emergency().toString(), read.policyVersion(), read.receipt(),
                read.demographics(), read.entries().stream().map(Entry::of).toList(), read.withheld(),
                reasons(read), read.auditEvent());
    }

    private static Map<String, Integer> reasons(RecordRead read) {
        Map<String, Integer> reasons = new TreeMap<>();
        read.withheldReasons().forEach((reason, count) -> reasons.put(reason.name(), count));
        return reasons;
    }
}
