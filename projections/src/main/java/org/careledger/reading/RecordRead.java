package org.careledger.reading;

import org.careledger.access.AccessDecision;
import org.careledger.record.Demographics;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;

import java.util.List;

/**
 * What a read returned, after its audit event was stored: the basis (or the refusal, with no data at all), the
 * patient's demographics (with a basis), the disclosed entries (current read) or entry versions (history read),
 * how many were withheld, and the id of the audit event ({@code RecordAccessed} or {@code RecordAccessRefused}).
 */
public record RecordRead(NhsNumber patient, AccessDecision.Basis basis, AccessDecision.Refused refused,
                         GrantId grant, EmergencyAccessId emergency, String policyVersion, List<String> receipt,
                         Demographics demographics, List<ReadEntry> entries, List<EntryVersion> versions,
                         int withheld, String auditEvent) {

    public RecordRead {
        receipt = List.copyOf(receipt);
        entries = List.copyOf(entries);
        versions = List.copyOf(versions);
    }

    public boolean allowed() {
        return refused == null;
    }
}
