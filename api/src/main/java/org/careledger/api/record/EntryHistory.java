package org.careledger.api.record;

import org.careledger.reading.EntryVersion;
import org.careledger.reading.RecordRead;
import org.careledger.record.EntryContent;

import java.time.Instant;
import java.util.List;

/** One entry's history: its versions and the changes between them, oldest first, and the audit event of the read. */
public record EntryHistory(String patient, String entry, int latestVersion, String basis, List<Change> changes,
                           String auditEvent) {

    /** RECORDED / AMENDED carry content; ENTERED_IN_ERROR and SENSITIVITY_CHANGED carry the reason (and sensitivity). */
    public record Change(int seq, String change, int version, EntryContent content, String sensitivity, String byUser,
                         String byRole, String byOrganisation, Instant at, String reason) {
        static Change of(EntryVersion v) {
            return new Change(v.seq(), v.change().name(), v.version(), v.content(),
                    v.sensitivity() == null ? null : v.sensitivity().name(), v.by().user().toString(),
                    v.by().role().name(), v.by().organisation() == null ? null : v.by().organisation().value(),
                    v.at(), v.reason());
        }
    }

    static EntryHistory of(RecordRead read) {
        int latest = read.versions().stream().mapToInt(EntryVersion::version).max().orElse(0);
        return new EntryHistory(read.patient().value(), read.versions().get(0).entry().toString(), latest,
                read.basis().name(), read.versions().stream().map(Change::of).toList(), read.auditEvent());
    }
}
