package org.careledger.reading;

import org.careledger.access.AccessDecision;
import org.careledger.record.Demographics;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;

import java.util.List;
import java.util.Map;

/**
 * What a read returned, after its audit event was stored: the basis (or the refusal, with no data at all), the
 * patient's demographics (with a basis), the disclosed entries (current read) or entry versions (history read),
 * how many were withheld, the id of the audit event ({@code RecordAccessed} or {@code RecordAccessRefused}), and
 * the patient's registered practice (a demographic every reader with a basis sees: DESIGN.md "Consent to share"),
 * read in the same snapshot as the decision; null when refused or not registered. {@code withheldReasons}: how many
 * entries were withheld for each reason (empty when none were, or when refused), never which.
 */
public record RecordRead(NhsNumber patient, AccessDecision.Basis basis, AccessDecision.Refused refused,
                         GrantId grant, EmergencyAccessId emergency, String policyVersion, List<String> receipt,
                         Demographics demographics, List<ReadEntry> entries, List<EntryVersion> versions,
                         int withheld, String auditEvent, OdsCode registeredPractice,
                         Map<AccessDecision.Withheld, Integer> withheldReasons) {

    public RecordRead {
        receipt = List.copyOf(receipt);
        entries = List.copyOf(entries);
        versions = List.copyOf(versions);
        withheldReasons = withheldReasons == null ? Map.of() : Map.copyOf(withheldReasons);
    }

    /** A read without the reasons for what was withheld. */
    public RecordRead(NhsNumber patient, AccessDecision.Basis basis, AccessDecision.Refused refused, GrantId grant,
                      EmergencyAccessId emergency, String policyVersion, List<String> receipt,
                      Demographics demographics, List<ReadEntry> entries, List<EntryVersion> versions, int withheld,
                      String auditEvent, OdsCode registeredPractice) {
        this(patient, basis, refused, grant, emergency, policyVersion, receipt, demographics, entries, versions,
                withheld, auditEvent, registeredPractice, Map.of());
    }

    /** A read without the registered practice (as before it was carried). */
    public RecordRead(NhsNumber patient, AccessDecision.Basis basis, AccessDecision.Refused refused, GrantId grant,
                      EmergencyAccessId emergency, String policyVersion, List<String> receipt,
                      Demographics demographics, List<ReadEntry> entries, List<EntryVersion> versions, int withheld,
                      String auditEvent) {
        this(patient, basis, refused, grant, emergency, policyVersion, receipt, demographics, entries, versions,
                withheld, auditEvent, null);
    }

    public boolean allowed() {
        return refused == null;
    }
}
