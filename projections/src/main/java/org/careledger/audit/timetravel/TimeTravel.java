package org.careledger.audit.timetravel;

import org.axonframework.eventhandling.EventMessage;
import org.careledger.access.AccessDecision;
import org.careledger.access.AccessGrantRevoked;
import org.careledger.access.AccessGranted;
import org.careledger.access.AccessPolicy;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.EntryFacts;
import org.careledger.access.PatientSharingState;
import org.careledger.access.Reader;
import org.careledger.access.SealedEntryAccessGranted;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.trail.AuditAppender;
import org.careledger.consent.ConsentDecisionRecorded;
import org.careledger.consent.DissentRecorded;
import org.careledger.consent.DissentWithdrawn;
import org.careledger.directory.RoleAssigned;
import org.careledger.directory.RoleAssignmentEnded;
import org.careledger.directory.TeamFormed;
import org.careledger.directory.TeamJoined;
import org.careledger.directory.TeamLeft;
import org.careledger.policy.PolicyVersionActivated;
import org.careledger.policy.RolePolicy;
import org.careledger.record.EntryAmended;
import org.careledger.record.EntryMarkedEnteredInError;
import org.careledger.record.EntryRecorded;
import org.careledger.record.EntrySensitivityChanged;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegistrationTransferred;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Time travel: "who could have seen this entry at D?" rebuilt from the events, not from any projection. It reads
 * the patient's record, consent and access streams and the directory's history up to D, rebuilds the
 * {@link PatientSharingState} and the entry's {@link EntryFacts} as they were, and asks the one access policy
 * ({@link AccessPolicy#decide}) about every staff role assignment active at D, under the policy version in force at
 * D; plus the patient themselves. The rules live only in AccessPolicy. The question is audited like every audit
 * query ({@link AuditTrailQueried}, committed before the answer is built).
 */
@Service
public class TimeTravel {

    /** The patient's own sign-in is not on the ledger; the SELF decision needs a user id, any will do. */
    private static final UserId PATIENT_READER = new UserId(new UUID(0, 0));

    private final LedgerHistory history;
    private final AuditAppender appender;
    private final Clock clock;

    public TimeTravel(LedgerHistory history, AuditAppender appender, ObjectProvider<Clock> clock) {
        this.history = history;
        this.appender = appender;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    public WhoCouldHaveSeen whoCouldHaveSeen(Actor by, NhsNumber patient, EntryId entry, Instant at) {
        Refusal.requireValue(by, "who asks");
        Refusal.requireValue(patient, "patient");
        Refusal.requireValue(entry, "entry");
        Refusal.requireValue(at, "instant");
        if (by.role() != Role.IG_OFFICER) {
            throw Refusal.of(Refusal.Kind.NOT_PERMITTED, by.role() + " may not query the audit trail");
        }
        appender.append(new AuditTrailQueried(AuditTrailQueried.AuditQuestion.WHO_COULD_HAVE_SEEN_ENTRY,
                entry.toString(), at, at, by, clock.instant()));

        RolePolicy policy = policyAt(at);
        RecordAt record = recordAt(patient, entry, at);
        if (record.facts == null) {
            return new WhoCouldHaveSeen(patient, entry, at, policy.version(), null, List.of());
        }
        PatientSharingState state = sharingStateAt(patient, record, at);
        List<EntryFacts> entries = List.of(record.facts);
        List<WhoCouldHaveSeen.PossibleReader> readers = new ArrayList<>();
        for (Reader reader : staffAt(at)) {
            AccessDecision decision = AccessPolicy.decide(policy, reader, state, entries, at);
            if (decision.allowed() && !decision.disclosed().isEmpty()) {
                readers.add(new WhoCouldHaveSeen.PossibleReader(reader.user(), reader.role(), reader.organisation(),
                        decision.basis(), decision.grant(), decision.emergency(), record.facts.version(),
                        decision.receipt()));
            }
        }
        AccessDecision self = AccessPolicy.decide(policy, Reader.patient(PATIENT_READER, patient), state, entries, at);
        if (self.allowed() && !self.disclosed().isEmpty()) {
            readers.add(new WhoCouldHaveSeen.PossibleReader(null, Role.PATIENT, null, self.basis(), null, null,
                    record.facts.version(), self.receipt()));
        }
        return new WhoCouldHaveSeen(patient, entry, at, policy.version(), record.facts, readers);
    }

    // ---- the ledger at D ------------------------------------------------------------------------------------

    private RolePolicy policyAt(Instant at) {
        PolicyVersionActivated last = null;
        for (EventMessage<?> m : history.policy(at)) {
            if (m.getPayload() instanceof PolicyVersionActivated p) {
                last = p;
            }
        }
        if (last == null) {
            return RolePolicy.defaultPolicy();
        }
        try {
            return RolePolicy.load(new StringReader(last.source()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record RecordAt(OdsCode practice, String registrationEvent, EntryFacts facts) {
    }

    private RecordAt recordAt(NhsNumber patient, EntryId entry, Instant at) {
        OdsCode practice = null;
        String registration = null;
        EntryFacts facts = null;
        for (EventMessage<?> m : history.record(patient, at)) {
            Object e = m.getPayload();
            if (e instanceof PatientRegistered r) {
                practice = r.registeredPractice();
                registration = LedgerHistory.id(m);
            } else if (e instanceof RegistrationTransferred t) {
                practice = t.toPractice();
                registration = LedgerHistory.id(m);
            } else if (e instanceof EntryRecorded r && r.entry().equals(entry)) {
                facts = new EntryFacts(entry, 1, r.section(), r.by().organisation(), r.by().user(), r.sensitivity(),
                        false);
            } else if (facts != null && e instanceof EntryAmended a && a.entry().equals(entry)) {
                facts = new EntryFacts(entry, a.version(), facts.section(), facts.authoringOrganisation(),
                        facts.author(), facts.sensitivity(), facts.enteredInError());
            } else if (facts != null && e instanceof EntrySensitivityChanged c && c.entry().equals(entry)) {
                facts = new EntryFacts(entry, facts.version(), facts.section(), facts.authoringOrganisation(),
                        facts.author(), c.to(), facts.enteredInError());
            } else if (facts != null && e instanceof EntryMarkedEnteredInError x && x.entry().equals(entry)) {
                facts = new EntryFacts(entry, facts.version(), facts.section(), facts.authoringOrganisation(),
                        facts.author(), facts.sensitivity(), true);
            }
        }
        return new RecordAt(practice, registration, facts);
    }

    private PatientSharingState sharingStateAt(NhsNumber patient, RecordAt record, Instant at) {
        Map<String, PatientSharingState.Consent> consents = new LinkedHashMap<>();
        PatientSharingState.Dissent dissent = PatientSharingState.Dissent.NONE;
        for (EventMessage<?> m : history.consent(patient, at)) {
            Object e = m.getPayload();
            if (e instanceof ConsentDecisionRecorded c) {
                consents.put(c.organisation().value() + "/" + c.direction(), new PatientSharingState.Consent(
                        c.organisation(), c.direction(), c.decision(), LedgerHistory.id(m)));
            } else if (e instanceof DissentRecorded) {
                dissent = new PatientSharingState.Dissent(true, LedgerHistory.id(m));
            } else if (e instanceof DissentWithdrawn) {
                dissent = new PatientSharingState.Dissent(false, LedgerHistory.id(m));
            }
        }
        Map<GrantId, PatientSharingState.Grant> grants = new LinkedHashMap<>();
        Map<GrantId, PatientSharingState.SealedGrant> sealed = new LinkedHashMap<>();
        List<PatientSharingState.Emergency> emergencies = new ArrayList<>();
        for (EventMessage<?> m : history.access(patient, at)) {
            Object e = m.getPayload();
            if (e instanceof AccessGranted g) {
                grants.put(g.grant(), new PatientSharingState.Grant(g.grant(), g.grantee(), g.reason(), g.scope(),
                        g.validFrom(), g.validUntil(), null, LedgerHistory.id(m)));
            } else if (e instanceof SealedEntryAccessGranted g) {
                sealed.put(g.grant(), new PatientSharingState.SealedGrant(g.grant(), g.grantee(),
                        new HashSet<>(g.entries()), g.validFrom(), g.validUntil(), null, LedgerHistory.id(m)));
            } else if (e instanceof AccessGrantRevoked r) {
                grants.computeIfPresent(r.grant(), (k, g) -> new PatientSharingState.Grant(g.grant(), g.grantee(),
                        g.reason(), g.scope(), g.validFrom(), g.validUntil(), r.at(), g.event()));
                sealed.computeIfPresent(r.grant(), (k, g) -> new PatientSharingState.SealedGrant(g.grant(),
                        g.grantee(), g.entries(), g.validFrom(), g.validUntil(), r.at(), g.event()));
            } else if (e instanceof EmergencyAccessDeclared d) {
                emergencies.add(new PatientSharingState.Emergency(d.emergency(), d.by().user(), d.at(),
                        d.validUntil(), LedgerHistory.id(m)));
            }
        }
        return new PatientSharingState(patient, record.practice, record.registrationEvent,
                new ArrayList<>(consents.values()), dissent, new ArrayList<>(grants.values()),
                new ArrayList<>(sealed.values()), emergencies);
    }

    /** Every staff (user, role, organisation) assignment active at D, with the user's teams at that organisation. */
    private List<Reader> staffAt(Instant at) {
        Map<TeamId, OdsCode> teamOrganisation = new HashMap<>();
        Set<Assignment> assignments = new LinkedHashSet<>();
        Map<UserId, Set<TeamId>> teams = new HashMap<>();
        for (EventMessage<?> m : history.directory(at)) {
            Object e = m.getPayload();
            if (e instanceof TeamFormed t) {
                teamOrganisation.put(t.team(), t.organisation());
            } else if (e instanceof RoleAssigned a) {
                assignments.add(new Assignment(a.user(), a.role(), a.organisation()));
            } else if (e instanceof RoleAssignmentEnded x) {
                assignments.remove(new Assignment(x.user(), x.role(), x.organisation()));
            } else if (e instanceof TeamJoined j) {
                teams.computeIfAbsent(j.user(), u -> new HashSet<>()).add(j.team());
            } else if (e instanceof TeamLeft l) {
                teams.computeIfAbsent(l.user(), u -> new HashSet<>()).remove(l.team());
            }
        }
        List<Reader> readers = new ArrayList<>();
        for (Assignment a : assignments) {
            if (!a.role().isStaff()) {
                continue;
            }
            Set<TeamId> here = new HashSet<>();
            for (TeamId team : teams.getOrDefault(a.user(), Set.of())) {
                if (Objects.equals(teamOrganisation.get(team), a.organisation())) {
                    here.add(team);
                }
            }
            readers.add(Reader.staff(a.user(), a.role(), a.organisation(), here));
        }
        return readers;
    }

    private record Assignment(UserId user, Role role, OdsCode organisation) {
    }
}
