package org.careledger.audit.timetravel;

import org.careledger.access.AccessDecision.Basis;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.UserId;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer to "who could have seen this patient's record at instant D, and what of it", rebuilt from the ledger:
 * the practice the patient was registered at then (null: not registered yet, and nobody could), how many entries
 * the record held, the policy version in force, and every reader with a basis, with how many entries of each
 * section they could have seen (DEMOGRAPHICS always: every reader with a basis sees them), how many were withheld
 * from them, and the receipt. Counts and ids only: never content.
 */
public record WhoCouldHaveSeenRecord(NhsNumber patient, Instant at, String policyVersion, OdsCode registeredPractice,
                                     int entries, List<PossibleReader> readers) {

    public WhoCouldHaveSeenRecord {
        readers = List.copyOf(readers);
    }

    /**
     * One reader: a staff member in one (role, organisation) assignment, or the patient (role PATIENT, no user id or
     * organisation). {@code sections}: section → entries of it they could have seen, in section order.
     */
    public record PossibleReader(UserId user, Role role, OdsCode organisation, Basis basis, GrantId grant,
                                 EmergencyAccessId emergency, Map<Section, Integer> sections, int withheld,
                                 Set<String> receipt) {
        public PossibleReader {
            Map<Section, Integer> ordered = new EnumMap<>(Section.class);
            ordered.putAll(sections);
            sections = Collections.unmodifiableMap(ordered);
            receipt = Set.copyOf(receipt);
        }
    }
}
