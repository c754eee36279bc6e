package org.careledger.audit.timetravel;

import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.EntryFacts;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The answer to "who could have seen entry X at instant D", rebuilt from the ledger: the entry as it stood then
 * (null if it did not exist yet), the policy version in force, and every reader the access policy would have let
 * see it, with the basis and the receipt (the events the decision relied on).
 */
public record WhoCouldHaveSeen(NhsNumber patient, EntryId entry, Instant at, String policyVersion, EntryFacts facts,
                               List<PossibleReader> readers) {

    public WhoCouldHaveSeen {
        readers = List.copyOf(readers);
    }

    public boolean entryExisted() {
        return facts != null;
    }

    /**
     * One reader: a staff member in one (role, organisation) assignment, or the patient themselves (role PATIENT,
     * no user id or organisation: the ledger does not link the patient's sign-in to their record).
     */
    public record PossibleReader(UserId user, Role role, OdsCode organisation, Basis basis, GrantId grant,
                                 EmergencyAccessId emergency, int version, Set<String> receipt) {
        public PossibleReader {
            receipt = Set.copyOf(receipt);
        }
    }
}
