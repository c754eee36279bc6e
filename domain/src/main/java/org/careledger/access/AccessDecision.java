package org.careledger.access;

import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;

import java.util.List;
import java.util.Set;

/**
 * The answer to "may this reader open this record, and which entries may they see": the basis (or the refusal),
 * a verdict per entry, the policy version, and the receipt: the ids of the events the decision relied on.
 */
public record AccessDecision(Basis basis, GrantId grant, EmergencyAccessId emergency, Refused refused,
                             List<EntryVerdict> entries, Set<String> receipt, String policyVersion) {

    public AccessDecision {
        entries = List.copyOf(entries);
        receipt = Set.copyOf(receipt);
    }

    /** The basis of a read (DESIGN.md "Who may open a record"). */
    public enum Basis {
        REGISTERED,
        GRANT,
        EMERGENCY,
        SELF
    }

    /** Why a read was refused as a whole. */
    public enum Refused {
        /** No registration at the reader's organisation, no active grant, no active emergency. */
        NO_BASIS,
        /** A patient reading someone else's record. */
        NOT_OWN_RECORD,
        /** IG officers and administrators never see clinical content. */
        NO_CLINICAL_ACCESS,
        /** Previewing another role's view ("view as"): only a GP or an IG officer may (ADR 24). */
        PREVIEW_NOT_ALLOWED
    }

    /** Why one entry was withheld from an allowed read. */
    public enum Withheld {
        ROLE_VIEW,
        OUT_OF_GRANT_SCOPE,
        ENTERED_IN_ERROR,
        PRIVATE,
        SEALED,
        WITHHELD_FROM_PATIENT,
        NO_SHARE_OUT_CONSENT,
        NO_SHARE_IN_CONSENT
    }

    /** One entry's verdict: disclosed (withheld is null) or withheld with the reason. */
    public record EntryVerdict(EntryId entry, int version, Withheld withheld) {
        public boolean disclosed() {
            return withheld == null;
        }
    }

    public boolean allowed() {
        return refused == null;
    }

    public List<EntryVerdict> disclosed() {
        return entries.stream().filter(EntryVerdict::disclosed).toList();
    }

    public long withheldCount() {
        return entries.stream().filter(e -> !e.disclosed()).count();
    }

    /**
     * How many entries were withheld for each reason (reasons with none left out), so a reader can be told why in
     * words without being told what the entries are.
     */
    public java.util.Map<Withheld, Integer> withheldByReason() {
        java.util.Map<Withheld, Integer> counts = new java.util.EnumMap<>(Withheld.class);
        entries.stream().filter(e -> !e.disclosed()).forEach(e -> counts.merge(e.withheld(), 1, Integer::sum));
        return java.util.Collections.unmodifiableMap(counts);
    }
}
