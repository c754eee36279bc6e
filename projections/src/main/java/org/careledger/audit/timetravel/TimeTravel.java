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
        Refusal.requireValue(entry, "entry");
        ask(by, patient, at, AuditTrailQueried.AuditQuestion.WHO_COULD_HAVE_SEEN_ENTRY, entry.toString());

        RolePolicy policy = policyAt(at);
        RecordAt record = recordAt(patient, at);
        EntryFacts facts = record.entries.get(entry);
        if (facts == null) {
            return new WhoCouldHaveSeen(patient, entry, at, policy.version(), null, List.of());
        }
        PatientSharingState state = sharingStateAt(patient, record, at);
        List<EntryFacts> entries = List.of(facts);
        List<WhoCouldHaveSeen.PossibleReader> readers = new ArrayList<>();
        for (Reader reader : readersAt(patient, at)) {
            AccessDecision decision = AccessPolicy.decide(policy, reader, state, entries, at);
            if (decision.allowed() && !decision.disclosed().isEmpty()) {
                boolean self = reader.role() == Role.PATIENT;
                readers.add(new WhoCouldHaveSeen.PossibleReader(self ? null : reader.user(), reader.role(),
                        reader.organisation(), decision.basis(), decision.grant(), decision.emergency(),
                        facts.version(), decision.receipt()));
            }
        }
        return new WhoCouldHaveSeen(patient, entry, at, policy.version(), facts, readers);
    }

    /**
     * Time travel over the whole record: every reader who had a basis for the patient at D (so saw DEMOGRAPHICS), and
     * how many of the entries current at D they could have seen in each section. Audited like the entry question,
     * before anything is read.
     */
    public WhoCouldHaveSeenRecord whoCouldHaveSeenRecord(Actor by, NhsNumber patient, Instant at) {
        ask(by, patient, at, AuditTrailQueried.AuditQuestion.WHO_COULD_HAVE_SEEN_RECORD, patient.value());

        RolePolicy policy = policyAt(at);
        RecordAt record = recordAt(patient, at);
        if (record.practice == null) {
            return new WhoCouldHaveSeenRecord(patient, at, policy.version(), null, 0, List.of());
        }
        PatientSharingState state = sharingStateAt(patient, record, at);
        List<EntryFacts> entries = List.copyOf(record.entries.values());
        List<WhoCouldHaveSeenRecord.PossibleReader> readers = new ArrayList<>();
        for (Reader reader : readersAt(patient, at)) {
            AccessDecision decision = AccessPolicy.decide(policy, reader, state, entries, at);
            if (!decision.allowed()) {
                continue;
            }
            Map<org.careledger.shared.Section, Integer> sections = new java.util.EnumMap<>(
                    org.careledger.shared.Section.class);
            sections.put(org.careledger.shared.Section.DEMOGRAPHICS, 0); // every reader with a basis sees them
            for (AccessDecision.EntryVerdict verdict : decision.disclosed()) {
                sections.merge(record.entries.get(verdict.entry()).section(), 1, Integer::sum);
            }
            boolean self = reader.role() == Role.PATIENT;
            readers.add(new WhoCouldHaveSeenRecord.PossibleReader(self ? null : reader.user(), reader.role(),
                    reader.organisation(), decision.basis(), decision.grant(), decision.emergency(), sections,
                    (int) decision.withheldCount(), decision.receipt()));
        }
        return new WhoCouldHaveSeenRecord(patient, at, policy.version(), record.practice, entries.size(), readers);
    }

    /** Only IG asks; the question is committed to the ledger before anything is read (if it cannot be, it fails). */
    private void ask(Actor by, NhsNumber patient, Instant at, AuditTrailQueried.AuditQuestion question,
                     String subject) {
        Refusal.requireValue(by, "who asks");
        Refusal.requireValue(patient, "patient");
        Refusal.requireValue(at, "instant");
        if (by.role() != Role.IG_OFFICER) {
            throw Refusal.of(Refusal.Kind.NOT_PERMITTED, by.role() + " may not query the audit trail");
        }
        appender.append(new AuditTrailQueried(question, subject, at, at, by, clock.instant()));
    }

    /** Every staff assignment active at D, then the patient themselves. */
    private List<Reader> readersAt(NhsNumber patient, Instant at) {
        List<Reader> readers = new ArrayList<>(staffAt(at));
        readers.add(Reader.patient(PATIENT_READER, patient));
        return readers;
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

    /** The record at D: the registered practice (null if not registered yet) and every entry as it stood. */
    private record RecordAt(OdsCode practice, String registrationEvent, Map<EntryId, EntryFacts> entries) {
    }

    private RecordAt recordAt(NhsNumber patient, Instant at) {
        OdsCode practice = null;
        String registration = null;
        Map<EntryId, EntryFacts> entries = new LinkedHashMap<>();
        for (EventMessage<?> m : history.record(patient, at)) {
            Object e = m.getPayload();
            if (e instanceof PatientRegistered r) {
                practice = r.registeredPractice();
                registration = LedgerHistory.id(m);
            } else if (e instanceof RegistrationTransferred t) {
                practice = t.toPractice();
                registration = LedgerHistory.id(m);
            } else if (e instanceof EntryRecorded r) {
                entries.put(r.entry(), new EntryFacts(r.entry(), 1, r.section(), r.by().organisation(), r.by().user(),
                        r.sensitivity(), false));
            } else if (e instanceof EntryAmended a) {
                entries.computeIfPresent(a.entry(), (id, f) -> new EntryFacts(id, a.version(), f.section(),
                        f.authoringOrganisation(), f.author(), f.sensitivity(), f.enteredInError()));
            } else if (e instanceof EntrySensitivityChanged c) {
                entries.computeIfPresent(c.entry(), (id, f) -> new EntryFacts(id, f.version(), f.section(),
                        f.authoringOrganisation(), f.author(), c.to(), f.enteredInError()));
            } else if (e instanceof EntryMarkedEnteredInError x) {
                entries.computeIfPresent(x.entry(), (id, f) -> new EntryFacts(id, f.version(), f.section(),
                        f.authoringOrganisation(), f.author(), f.sensitivity(), true));
            }
        }
        return new RecordAt(practice, registration, entries);
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
