package org.careledger.access;

import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.AccessDecision.EntryVerdict;
import org.careledger.access.AccessDecision.Refused;
import org.careledger.access.AccessDecision.Withheld;
import org.careledger.access.PatientSharingState.Consent;
import org.careledger.access.PatientSharingState.Emergency;
import org.careledger.access.PatientSharingState.Grant;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.GrantId;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may see what: DESIGN.md's rules ("Who may open a record", "Consent to share", "Entry sensitivity",
 * "Entry lifecycle") as one pure function. No I/O, no clock: the caller passes the projected state and the time.
 * Enforcement (and the audit event) sits in one place elsewhere; this only decides.
 *
 * <p>Order of the checks for an entry: lifecycle, role view, then for the patient themselves only
 * WITHHELD_FROM_PATIENT; for everyone else grant scope, sensitivity (PRIVATE, SEALED), and sharing consent for
 * entries authored at another organisation. Each narrows; none widens.
 */
public final class AccessPolicy {

    private AccessPolicy() {
    }

    /** Decides a read of the patient's current record: every entry's latest version. */
    public static AccessDecision decide(RolePolicy policy, Reader reader, PatientSharingState state,
                                        List<EntryFacts> entries, Instant now) {
        return decide(policy, reader, state, entries, now, false);
    }

    /**
     * Decides a read of entries' history. The same rules, except that an entry marked entered in error stays
     * visible in the history of readers at the organisation that authored it.
     */
    public static AccessDecision decideHistory(RolePolicy policy, Reader reader, PatientSharingState state,
                                               List<EntryFacts> entries, Instant now) {
        return decide(policy, reader, state, entries, now, true);
    }

    /**
     * The basis on which someone stands to this patient at {@code now} (DESIGN.md "Who may open a record: the
     * basis"), or empty: the one copy of these rules, used by {@link #decide} for reads and, through the
     * {@code CareRelationships} port, by the aggregates for writes. In order: SELF (a patient, their own record
     * only), REGISTERED (the reader works at the registered practice), GRANT (active grants covering the reader,
     * the earliest first), EMERGENCY (the reader's own active emergency, the longest-lasting). The role is not
     * considered here: what a role may do with a basis is the caller's rule.
     */
    public static Optional<Resolved> basis(Reader reader, PatientSharingState state, Instant now) {
        if (reader.role() == Role.PATIENT) {
            return state.patient().equals(reader.self())
                    ? Optional.of(new Resolved(Basis.SELF, List.of(), null)) : Optional.empty();
        }
        if (reader.organisation().equals(state.registeredPractice())) {
            return Optional.of(new Resolved(Basis.REGISTERED, List.of(), null));
        }
        List<Grant> covering = state.grants().stream()
                .filter(g -> g.activeAt(now) && reader.isCoveredBy(g.grantee()))
                .sorted(Comparator.comparing(Grant::validFrom).thenComparing(g -> g.grant().value()))
                .toList();
        if (!covering.isEmpty()) {
            return Optional.of(new Resolved(Basis.GRANT, covering, null));
        }
        return state.emergencies().stream()
                .filter(x -> x.user().equals(reader.user()) && x.activeAt(now))
                .max(Comparator.comparing(Emergency::validUntil))
                .map(x -> new Resolved(Basis.EMERGENCY, List.of(), x));
    }

    /**
     * A resolved basis: for GRANT the active grants that cover the reader (the first is the one named in the
     * audit), for EMERGENCY the declaration.
     */
    public record Resolved(Basis basis, List<Grant> grants, Emergency emergency) {
        public Resolved {
            grants = List.copyOf(grants);
        }

        /** The grant named as the basis: the earliest covering grant, for GRANT; otherwise null. */
        public GrantId grant() {
            return grants.isEmpty() ? null : grants.get(0).grant();
        }
    }

    private static AccessDecision decide(RolePolicy policy, Reader reader, PatientSharingState state,
                                         List<EntryFacts> entries, Instant now, boolean history) {
        Set<String> receipt = new LinkedHashSet<>();
        if (reader.role() == Role.IG_OFFICER || reader.role() == Role.ADMINISTRATOR) {
            return refused(Refused.NO_CLINICAL_ACCESS, policy);
        }
        if (reader.role() == Role.PATIENT) {
            if (!state.patient().equals(reader.self())) {
                return refused(Refused.NOT_OWN_RECORD, policy);
            }
            List<EntryVerdict> verdicts = new ArrayList<>();
            for (EntryFacts e : entries) {
                verdicts.add(new EntryVerdict(e.entry(), e.version(), selfVerdict(policy, e)));
            }
            return new AccessDecision(Basis.SELF, null, null, null, verdicts, receipt, policy.version());
        }

        Optional<Resolved> resolved = basis(reader, state, now);
        if (resolved.isEmpty()) {
            return refused(Refused.NO_BASIS, policy);
        }
        Basis basis = resolved.get().basis();
        Set<Section> scope;
        Emergency emergency = resolved.get().emergency();
        switch (basis) {
            case REGISTERED -> {
                scope = EnumSet.allOf(Section.class);
                addIfPresent(receipt, state.registrationEvent());
            }
            case GRANT -> {
                scope = EnumSet.of(Section.DEMOGRAPHICS);
                for (Grant g : resolved.get().grants()) {
                    scope.addAll(g.scope().sections());
                    addIfPresent(receipt, g.event());
                }
            }
            default -> {
                scope = EnumSet.allOf(Section.class);
                addIfPresent(receipt, emergency.event());
            }
        }

        List<EntryVerdict> verdicts = new ArrayList<>();
        for (EntryFacts e : entries) {
            verdicts.add(new EntryVerdict(e.entry(), e.version(),
                    staffVerdict(policy, reader, state, e, basis, scope, now, history, receipt)));
        }
        return new AccessDecision(basis, resolved.get().grant(),
                emergency == null ? null : emergency.emergency(), null, verdicts, receipt, policy.version());
    }

    private static Withheld selfVerdict(RolePolicy policy, EntryFacts e) {
        if (e.enteredInError()) {
            return Withheld.ENTERED_IN_ERROR;
        }
        if (!policy.mayRead(Role.PATIENT, e.section())) {
            return Withheld.ROLE_VIEW;
        }
        if (e.sensitivity() == Sensitivity.WITHHELD_FROM_PATIENT) {
            return Withheld.WITHHELD_FROM_PATIENT;
        }
        return null;
    }

    private static Withheld staffVerdict(RolePolicy policy, Reader reader, PatientSharingState state, EntryFacts e,
                                         Basis basis, Set<Section> scope, Instant now, boolean history,
                                         Set<String> receipt) {
        boolean ownOrganisation = reader.organisation().equals(e.authoringOrganisation());
        if (e.enteredInError() && !(history && ownOrganisation)) {
            return Withheld.ENTERED_IN_ERROR;
        }
        if (!policy.mayRead(reader.role(), e.section())) {
            return Withheld.ROLE_VIEW;
        }
        if (!scope.contains(e.section())) {
            return Withheld.OUT_OF_GRANT_SCOPE;
        }
        if (e.sensitivity() == Sensitivity.PRIVATE && !ownOrganisation) {
            return Withheld.PRIVATE;
        }
        String unsealedBy = null;
        if (e.sensitivity() == Sensitivity.SEALED && !reader.user().equals(e.author())) {
            Optional<PatientSharingState.SealedGrant> unsealing = state.sealedGrants().stream()
                    .filter(g -> g.activeAt(now) && g.entries().contains(e.entry()) && reader.isCoveredBy(g.grantee()))
                    .findFirst();
            if (unsealing.isEmpty()) {
                return Withheld.SEALED;
            }
            unsealedBy = unsealing.get().event();
        }
        if (!ownOrganisation && e.section() != Section.DEMOGRAPHICS) {
            boolean emergency = basis == Basis.EMERGENCY;
            if (!shared(state, e.authoringOrganisation(), ConsentDirection.SHARE_OUT, emergency, receipt)) {
                return Withheld.NO_SHARE_OUT_CONSENT;
            }
            if (!shared(state, reader.organisation(), ConsentDirection.SHARE_IN, emergency, receipt)) {
                return Withheld.NO_SHARE_IN_CONSENT;
            }
        }
        addIfPresent(receipt, unsealedBy);
        return null;
    }

    /**
     * True when the patient's decision lets entries flow in that direction for that organisation. Dissent makes
     * every share-out REFUSED. In an emergency UNKNOWN counts as GRANTED; REFUSED never does.
     */
    private static boolean shared(PatientSharingState state, OdsCode organisation, ConsentDirection direction,
                                  boolean emergency, Set<String> receipt) {
        if (direction == ConsentDirection.SHARE_OUT && state.dissent() != null && state.dissent().inForce()) {
            addIfPresent(receipt, state.dissent().event());
            return false;
        }
        Optional<Consent> decision = state.consents().stream()
                .filter(c -> c.organisation().equals(organisation) && c.direction() == direction)
                .findFirst();
        if (decision.isEmpty()) {
            return emergency;
        }
        addIfPresent(receipt, decision.get().event());
        return decision.get().decision() == ConsentDecision.GRANTED;
    }

    private static AccessDecision refused(Refused why, RolePolicy policy) {
        return new AccessDecision(null, null, null, why, List.of(), Set.of(), policy.version());
    }

    private static void addIfPresent(Set<String> receipt, String event) {
        if (event != null) {
            receipt.add(event);
        }
    }
}
