package org.careledger.reading;

import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.axonframework.serialization.SimpleSerializedObject;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.AccessDecision.Refused;
import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantAccess;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.GrantSealedEntryAccess;
import org.careledger.access.Grantee;
import org.careledger.access.Reader;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.audit.Channel;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordView;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.directory.AssignRole;
import org.careledger.record.Address;
import org.careledger.record.AmendEntry;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.MarkEntryEnteredInError;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.record.TransferRegistration;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.careledger.storage.TestData;
import org.careledger.views.ViewsDatabaseTest;
import org.springframework.test.context.TestContextManager;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.careledger.shared.Section.ALLERGIES;
import static org.careledger.shared.Section.CARE_PLANS;
import static org.careledger.shared.Section.COMMUNITY_NURSING;
import static org.careledger.shared.Section.CONSULTATIONS;
import static org.careledger.shared.Section.DEMOGRAPHICS;
import static org.careledger.shared.Section.DOCUMENTS;
import static org.careledger.shared.Section.IMMUNISATIONS;
import static org.careledger.shared.Section.MEDICATIONS;
import static org.careledger.shared.Section.MENTAL_HEALTH;
import static org.careledger.shared.Section.OBSERVATIONS;
import static org.careledger.shared.Section.PROBLEMS;
import static org.careledger.shared.Section.REFERRALS;
import static org.careledger.shared.Section.SAFEGUARDING;
import static org.careledger.shared.Section.SOCIAL_CARE;
import static org.careledger.shared.Section.TEST_RESULTS;

/**
 * "Who may see what", proven by comparison: thousands of random patient histories, built through the real commands
 * on real PostgreSQL, each read many times through the one enforcement point ({@link RecordReads}) by many readers
 * at many clock positions, and every answer compared with a small reference model of DESIGN.md written out below.
 * <p>
 * The reference model ({@link Model#expect}) is deliberately independent of the product: it never calls
 * {@code AccessPolicy}, never reads the policy file, and has its own copy of DESIGN.md's role table. Where DESIGN.md
 * is silent the model states the convention it assumes (see the comments there), so a disagreement is a question
 * for DESIGN.md, not a silent copy of the product.
 * <p>
 * Each try is a fresh patient (a new 999-range NHS number), so tries never see each other; the directory
 * (organisations of every type, staff in every role, teams, people with roles at two organisations) is made once.
 * Every (patient state, reader, time) comparison counts as a scenario; the container fails with fewer than 10,000.
 * Each read's stored audit event (RecordAccessed / RecordAccessRefused) is checked against what the read returned.
 * <p>
 * jqwik generates a list of choices that a try interprets (so shrinking shortens and simplifies the history); a
 * failure reports the seed and prints the history and the read that disagreed.
 */
class WhoMaySeeWhatPropertyTest extends ViewsDatabaseTest {

    static final int TRIES = 250;
    static final int ROUNDS = 8;
    static final int READS_PER_ROUND = 5;
    static final int REQUIRED_SCENARIOS = 10_000;

    private static final AtomicInteger SCENARIOS = new AtomicInteger();
    private static final AtomicInteger OPENS = new AtomicInteger();
    private static final AtomicInteger HISTORIES = new AtomicInteger();
    private static final Map<String, AtomicInteger> OUTCOMES = new TreeMap<>();
    private static final AtomicInteger DISCLOSED_ENTRIES = new AtomicInteger();
    private static final AtomicInteger WITHHELD_ENTRIES = new AtomicInteger();
    private static final AtomicLong COMMAND_NANOS = new AtomicLong();
    private static final AtomicLong READ_NANOS = new AtomicLong();
    private static final AtomicLong AUDIT_NANOS = new AtomicLong();
    private static final AtomicInteger COMMANDS = new AtomicInteger();
    private static final AtomicInteger REFUSED_WRITES = new AtomicInteger();
    /** What a write needs (ADR 8): any basis for the record and consent; REGISTERED or GRANT to hand out access. */
    private static final Set<Basis> ANY_BASIS = EnumSet.of(Basis.REGISTERED, Basis.GRANT, Basis.EMERGENCY);
    private static final Set<Basis> GRANTING_BASES = EnumSet.of(Basis.REGISTERED, Basis.GRANT);
    private static volatile long startedAt;
    private static Directory directory;

    // ---- DESIGN.md "Default role views", written out again (independent of role-policy.properties) -------------

    private static final Set<Section> ALL = EnumSet.allOf(Section.class);
    private static final Map<Role, Set<Section>> READS = new EnumMap<>(Role.class);

    static {
        READS.put(Role.GP, ALL);
        READS.put(Role.PRACTICE_NURSE, except(SAFEGUARDING, SOCIAL_CARE, MENTAL_HEALTH));
        READS.put(Role.PRACTICE_ADMIN, EnumSet.of(DEMOGRAPHICS));
        READS.put(Role.DISTRICT_NURSE, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS,
                TEST_RESULTS, IMMUNISATIONS, REFERRALS, CARE_PLANS, COMMUNITY_NURSING));
        READS.put(Role.MENTAL_HEALTH_PRACTITIONER, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, REFERRALS,
                CARE_PLANS, MENTAL_HEALTH, SAFEGUARDING));
        READS.put(Role.SOCIAL_WORKER, EnumSet.of(DEMOGRAPHICS, ALLERGIES, CARE_PLANS, SOCIAL_CARE, SAFEGUARDING));
        READS.put(Role.PHARMACIST, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, TEST_RESULTS));
        READS.put(Role.OOH_CLINICIAN, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS,
                TEST_RESULTS, IMMUNISATIONS, CONSULTATIONS, CARE_PLANS));
        READS.put(Role.SPECIALIST, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS, TEST_RESULTS,
                CONSULTATIONS, DOCUMENTS, REFERRALS));
        READS.put(Role.IG_OFFICER, EnumSet.noneOf(Section.class));
        READS.put(Role.PATIENT, ALL);
    }

    /** DESIGN.md: a role writes the sections it reads; PATIENT and IG_OFFICER none; PRACTICE_ADMIN DEMOGRAPHICS. */
    private static Set<Section> writes(Role role) {
        return role == Role.PATIENT || role == Role.IG_OFFICER ? Set.of() : READS.get(role);
    }

    /** DESIGN.md: "a clinical role declares an emergency"; not admin, social work, IG or the patient. */
    private static final Set<Role> CLINICAL = EnumSet.of(Role.GP, Role.PRACTICE_NURSE, Role.DISTRICT_NURSE,
            Role.MENTAL_HEALTH_PRACTITIONER, Role.PHARMACIST, Role.OOH_CLINICIAN, Role.SPECIALIST);

    /** DESIGN.md: an emergency "lasts at most 4 hours" (the shipped policy gives every clinical role exactly that). */
    private static final Duration EMERGENCY_LASTS = Duration.ofHours(4);

    private static Set<Section> except(Section... sections) {
        Set<Section> s = EnumSet.allOf(Section.class);
        s.removeAll(List.of(sections));
        return s;
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------------

    /** jqwik has no Spring extension: the Spring test context (shared with the other views tests) wires us. */
    @BeforeProperty
    void wire() throws Exception {
        new TestContextManager(getClass()).prepareTestInstance(this);
        synchronized (WhoMaySeeWhatPropertyTest.class) {
            if (directory == null) {
                restoreShippedPolicy(); // the reference model knows only DESIGN.md's table
                directory = new Directory();
                startedAt = System.nanoTime();
            }
        }
    }

    @AfterContainer
    static void enoughScenarios() {
        long seconds = Duration.ofNanos(System.nanoTime() - startedAt).toSeconds();
        System.out.printf("who-may-see-what: %d scenarios (%d current reads, %d history reads) in %d s; "
                        + "%d entries disclosed, %d withheld; outcomes %s%n", SCENARIOS.get(), OPENS.get(),
                HISTORIES.get(), seconds, DISCLOSED_ENTRIES.get(), WITHHELD_ENTRIES.get(), OUTCOMES);
        System.out.printf("who-may-see-what: %d writes refused for want of a care relationship%n",
                REFUSED_WRITES.get());
        System.out.printf("who-may-see-what: %d commands in %d ms, reads %d ms, audit checks %d ms%n", COMMANDS.get(),
                COMMAND_NANOS.get() / 1_000_000, READ_NANOS.get() / 1_000_000, AUDIT_NANOS.get() / 1_000_000);
        if (SCENARIOS.get() < REQUIRED_SCENARIOS) {
            throw new AssertionError("only " + SCENARIOS.get() + " scenarios compared, " + REQUIRED_SCENARIOS
                    + " required");
        }
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void whatTheReadPathDisclosesIsExactlyWhatDesignAllows(
            @ForAll @Size(600) List<@IntRange(min = 0, max = 1_000_000) Integer> choices) {
        new Try(new Choices(choices)).run();
    }

    // ---- the directory: made once, through real commands -------------------------------------------------------

    /** One way of signing in: a user in one role at one organisation. */
    record Session(String label, Actor actor) {
        UserId user() {
            return actor.user();
        }

        Role role() {
            return actor.role();
        }

        OdsCode organisation() {
            return actor.organisation();
        }
    }

    final class Directory {
        final OdsCode practiceA = organisation(OrganisationType.GP_PRACTICE);
        final OdsCode practiceB = organisation(OrganisationType.GP_PRACTICE);
        final OdsCode clinic = organisation(OrganisationType.OUTPATIENT_CLINIC);
        final OdsCode community = organisation(OrganisationType.COMMUNITY_HEALTH);
        final OdsCode mentalHealth = organisation(OrganisationType.MENTAL_HEALTH);
        final OdsCode socialCare = organisation(OrganisationType.SOCIAL_CARE);
        final OdsCode outOfHours = organisation(OrganisationType.OUT_OF_HOURS);
        final OdsCode pharmacy = organisation(OrganisationType.PHARMACY);
        final List<OdsCode> organisations = List.of(practiceA, practiceB, clinic, community, mentalHealth, socialCare,
                outOfHours, pharmacy);
        final List<Session> sessions = new ArrayList<>();
        final Map<TeamId, OdsCode> teams = new LinkedHashMap<>();
        final Map<UserId, Set<TeamId>> memberships = new HashMap<>();
        final Map<OdsCode, String> names = new HashMap<>();

        Directory() {
            names.put(practiceA, "practiceA");
            names.put(practiceB, "practiceB");
            names.put(clinic, "clinic");
            names.put(community, "community");
            names.put(mentalHealth, "mentalHealth");
            names.put(socialCare, "socialCare");
            names.put(outOfHours, "outOfHours");
            names.put(pharmacy, "pharmacy");
            Session gpA1 = add("gpA1", staff(Role.GP, practiceA));
            Session gpA2 = add("gpA2", staff(Role.GP, practiceA));
            Session nurseA = add("nurseA", staff(Role.PRACTICE_NURSE, practiceA));
            add("adminA", staff(Role.PRACTICE_ADMIN, practiceA));
            add("igA", staff(Role.IG_OFFICER, practiceA));
            add("gpB", staff(Role.GP, practiceB));
            add("nurseB", staff(Role.PRACTICE_NURSE, practiceB));
            add("adminB", staff(Role.PRACTICE_ADMIN, practiceB));
            add("specialist1", staff(Role.SPECIALIST, clinic));
            add("specialist2", staff(Role.SPECIALIST, clinic));
            Session dn1 = add("districtNurse1", staff(Role.DISTRICT_NURSE, community));
            add("districtNurse2", staff(Role.DISTRICT_NURSE, community));
            Session mhp1 = add("mhp1", staff(Role.MENTAL_HEALTH_PRACTITIONER, mentalHealth));
            Session mhp2 = add("mhp2", staff(Role.MENTAL_HEALTH_PRACTITIONER, mentalHealth));
            Session sw1 = add("socialWorker1", staff(Role.SOCIAL_WORKER, socialCare));
            add("socialWorker2", staff(Role.SOCIAL_WORKER, socialCare));
            add("ooh1", staff(Role.OOH_CLINICIAN, outOfHours));
            add("pharmacist", staff(Role.PHARMACIST, pharmacy));
            // people with roles at two organisations: same user, another session
            add("gpA1@ooh", also(gpA1, Role.OOH_CLINICIAN, outOfHours));
            add("districtNurse1@practiceB", also(dn1, Role.PRACTICE_NURSE, practiceB));
            add("igOoh", staff(Role.IG_OFFICER, outOfHours));
            teamOf(practiceA, gpA2, nurseA);
            teamOf(community, dn1); // districtNurse1 reading as a practice nurse at practiceB is not in it
            teamOf(mentalHealth, mhp1, mhp2);
            teamOf(socialCare, sw1);
        }

        private Session add(String label, Actor actor) {
            Session s = new Session(label, actor);
            sessions.add(s);
            return s;
        }

        private Actor also(Session existing, Role role, OdsCode organisation) {
            commands.sendAndWait(new AssignRole(existing.user(), role, organisation, admin, clock.instant()));
            return Actor.staff(existing.user(), role, organisation);
        }

        private void teamOf(OdsCode organisation, Session... members) {
            TeamId id = team(organisation);
            teams.put(id, organisation);
            for (Session m : members) {
                join(m.actor(), id);
                memberships.computeIfAbsent(m.user(), u -> new HashSet<>()).add(id);
            }
        }

        /** The teams a user belongs to at the organisation they read for (DESIGN: "their team"). */
        Set<TeamId> teamsAt(UserId user, OdsCode organisation) {
            return memberships.getOrDefault(user, Set.of()).stream()
                    .filter(t -> teams.get(t).equals(organisation)).collect(Collectors.toSet());
        }

        String name(OdsCode organisation) {
            return names.getOrDefault(organisation, String.valueOf(organisation));
        }

        String label(UserId user) {
            return sessions.stream().filter(s -> s.user().equals(user)).map(Session::label).findFirst()
                    .orElse(user.toString());
        }
    }

    // ---- the reference model -----------------------------------------------------------------------------------

    static final class ModelEntry {
        final EntryId id;
        final Section section;
        final OdsCode organisation;
        final UserId author;
        Sensitivity sensitivity;
        int version = 1;
        boolean enteredInError;
        final List<EntryVersion.Change> changes = new ArrayList<>(List.of(EntryVersion.Change.RECORDED));

        ModelEntry(EntryId id, Section section, OdsCode organisation, UserId author, Sensitivity sensitivity) {
            this.id = id;
            this.section = section;
            this.organisation = organisation;
            this.author = author;
            this.sensitivity = sensitivity;
        }
    }

    /** An access grant (scope set) or a sealed-entry grant (entries set). */
    static final class ModelGrant {
        final GrantId id;
        final Grantee grantee;
        final Set<Section> scope;
        final Set<EntryId> sealedEntries;
        final Instant from;
        final Instant until;
        Instant revokedAt;

        ModelGrant(GrantId id, Grantee grantee, Set<Section> scope, Set<EntryId> sealedEntries, Instant from,
                   Instant until) {
            this.id = id;
            this.grantee = grantee;
            this.scope = scope;
            this.sealedEntries = sealedEntries;
            this.from = from;
            this.until = until;
        }

        boolean sealed() {
            return sealedEntries != null;
        }

        /** Inside its window (from inclusive, until exclusive) and not revoked by then. */
        boolean activeAt(Instant now) {
            return !now.isBefore(from) && now.isBefore(until) && (revokedAt == null || now.isBefore(revokedAt));
        }
    }

    record ModelEmergency(EmergencyAccessId id, UserId user, Instant from, Instant until) {
        boolean activeAt(Instant now) {
            return !now.isBefore(from) && now.isBefore(until);
        }
    }

    /** Who reads: a staff session, or a patient (self is the NHS number their sign-in vouches for). */
    record Who(String label, UserId user, Role role, OdsCode organisation, NhsNumber self) {
    }

    /** What DESIGN.md says a read must give. */
    record Expected(Refused refused, Basis basis, Set<GrantId> grants, Set<EmergencyAccessId> emergencies,
                    Map<EntryId, Integer> disclosed, int withheld) {
    }

    final class Model {
        final NhsNumber patient;
        final UserId patientUser = new UserId(UUID.randomUUID());
        OdsCode registeredPractice;
        final Map<OdsCode, ConsentDecision> shareOut = new HashMap<>();
        final Map<OdsCode, ConsentDecision> shareIn = new HashMap<>();
        boolean dissent;
        final List<ModelGrant> grants = new ArrayList<>();
        final List<ModelEmergency> emergencies = new ArrayList<>();
        final Map<EntryId, ModelEntry> entries = new LinkedHashMap<>();

        Model(NhsNumber patient, OdsCode registeredPractice) {
            this.patient = patient;
            this.registeredPractice = registeredPractice;
        }

        boolean covers(Grantee grantee, Who who) {
            return switch (grantee.kind()) {
                case USER -> grantee.equals(Grantee.user(who.user()));
                case TEAM -> who.organisation() != null
                        && directory.teamsAt(who.user(), who.organisation()).stream().map(Grantee::team)
                        .anyMatch(grantee::equals);
                case ORGANISATION -> who.organisation() != null
                        && grantee.equals(Grantee.organisation(who.organisation()));
            };
        }

        /**
         * DESIGN.md, re-derived. {@code only}: the entry of a history read (null: the current record).
         * Conventions where DESIGN.md is silent: when a reader has several bases the read is on the first of
         * REGISTERED, GRANT, EMERGENCY (the order DESIGN lists them); windows include their start and exclude their
         * end; "withheld" counts the entries of the reader's role view that the read did not disclose.
         */
        Expected expect(Who who, Instant now, EntryId only) {
            boolean history = only != null;
            Collection<ModelEntry> considered = history ? List.of(entries.get(only)) : entries.values();
            if (who.role() == Role.IG_OFFICER) {
                return refused(Refused.NO_CLINICAL_ACCESS);
            }
            if (who.role() == Role.PATIENT) {
                if (!patient.equals(who.self())) {
                    return refused(Refused.NOT_OWN_RECORD);
                }
                Map<EntryId, Integer> seen = new LinkedHashMap<>();
                int withheld = 0;
                for (ModelEntry e : considered) {
                    // SELF: every current entry except those withheld from the patient; PRIVATE and SEALED do not
                    // restrict the patient; entered in error is hidden (the patient has no authoring organisation)
                    if (!e.enteredInError && e.sensitivity != Sensitivity.WITHHELD_FROM_PATIENT) {
                        seen.put(e.id, e.version);
                    } else {
                        withheld++;
                    }
                }
                return new Expected(null, Basis.SELF, Set.of(), Set.of(), seen, withheld);
            }

            List<ModelGrant> covering = covering(who, now);
            List<ModelEmergency> breakGlass = breakGlass(who, now);
            Basis basis = basisOf(who, now);
            if (basis == null) {
                return refused(Refused.NO_BASIS);
            }

            Map<EntryId, Integer> seen = new LinkedHashMap<>();
            int withheld = 0;
            for (ModelEntry e : considered) {
                if (!READS.get(who.role()).contains(e.section)) {
                    continue; // not in the role's view at all: neither disclosed nor counted
                }
                boolean atAuthor = who.organisation().equals(e.organisation);
                boolean visible = true;
                if (e.enteredInError && !(history && atAuthor)) {
                    visible = false;
                }
                if (basis == Basis.GRANT && e.section != DEMOGRAPHICS
                        && covering.stream().noneMatch(g -> g.scope.contains(e.section))) {
                    visible = false; // the grants' scopes narrow (DEMOGRAPHICS always shown with a basis)
                }
                if (e.sensitivity == Sensitivity.PRIVATE && !atAuthor) {
                    visible = false; // even in an emergency
                }
                if (e.sensitivity == Sensitivity.SEALED && !e.author.equals(who.user())
                        && grants.stream().noneMatch(g -> g.sealed() && g.activeAt(now)
                        && g.sealedEntries.contains(e.id) && covers(g.grantee, who))) {
                    visible = false;
                }
                if (!atAuthor && e.section != DEMOGRAPHICS) {
                    boolean emergency = basis == Basis.EMERGENCY;
                    ConsentDecision out = dissent ? ConsentDecision.REFUSED : shareOut.get(e.organisation);
                    ConsentDecision in = shareIn.get(who.organisation());
                    if (!allows(out, emergency) || !allows(in, emergency)) {
                        visible = false;
                    }
                }
                if (visible) {
                    seen.put(e.id, e.version);
                } else {
                    withheld++;
                }
            }
            return new Expected(null, basis,
                    basis == Basis.GRANT ? covering.stream().map(g -> g.id).collect(Collectors.toSet()) : Set.of(),
                    basis == Basis.EMERGENCY ? breakGlass.stream().map(ModelEmergency::id).collect(Collectors.toSet())
                            : Set.of(),
                    seen, withheld);
        }

        List<ModelGrant> covering(Who who, Instant now) {
            return grants.stream().filter(g -> !g.sealed() && g.activeAt(now) && covers(g.grantee, who)).toList();
        }

        List<ModelEmergency> breakGlass(Who who, Instant now) {
            return emergencies.stream().filter(x -> x.user().equals(who.user()) && x.activeAt(now)).toList();
        }

        /**
         * DESIGN.md's basis of a staff member at {@code now}, the first of REGISTERED, GRANT, EMERGENCY; null when
         * they have none. Used for reads and, since writes need a care relationship too, for commands.
         */
        Basis basisOf(Who who, Instant now) {
            if (who.organisation().equals(registeredPractice)) {
                return Basis.REGISTERED;
            }
            if (!covering(who, now).isEmpty()) {
                return Basis.GRANT;
            }
            return breakGlass(who, now).isEmpty() ? null : Basis.EMERGENCY;
        }

        /** GRANTED allows; UNKNOWN (no decision) allows only in an emergency; REFUSED never. */
        private boolean allows(ConsentDecision decision, boolean emergency) {
            return decision == ConsentDecision.GRANTED || (decision == null && emergency);
        }

        private Expected refused(Refused why) {
            return new Expected(why, null, Set.of(), Set.of(), Map.of(), 0);
        }
    }

    // ---- one try: a fresh patient, a random history, many reads ------------------------------------------------

    /** The choices jqwik generated, consumed in order; past the end every choice is 0. */
    static final class Choices {
        private final List<Integer> values;
        private int next;

        Choices(List<Integer> values) {
            this.values = values;
        }

        int below(int bound) {
            return next < values.size() ? values.get(next++) % bound : 0;
        }

        <T> T of(List<T> options) {
            return options.get(below(options.size()));
        }

        /** An index chosen with the given weights. */
        int weighted(int... weights) {
            int total = 0;
            for (int w : weights) {
                total += w;
            }
            int r = below(total);
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return i;
                }
            }
            return 0;
        }
    }

    private static final List<Sensitivity> SENSITIVITIES = List.of(Sensitivity.values());
    private static final List<Section> SECTIONS = List.of(Section.values());
    private static final List<GrantReason> REASONS = List.of(GrantReason.REFERRAL, GrantReason.CASELOAD,
            GrantReason.SOCIAL_CARE_ALLOCATION, GrantReason.OUT_OF_HOURS_EPISODE, GrantReason.OUTPATIENT_REFERRAL);
    /** Clock moves between reads: often none, often across the hour-grained windows' edges. */
    private static final List<Duration> MOVES = List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO,
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(1),
            Duration.ofHours(2), Duration.ofHours(3), Duration.ofHours(4), Duration.ofHours(5), Duration.ofDays(1));
    private static final List<Duration> STARTS = List.of(Duration.ofDays(-1), Duration.ofHours(-2), Duration.ZERO,
            Duration.ZERO, Duration.ofHours(1), Duration.ofHours(4));
    private static final List<Duration> LENGTHS = List.of(Duration.ofHours(2), Duration.ofHours(8),
            Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(3));

    private record PendingAudit(String eventId, RecordRead read, Who who, RecordView view, String context) {
    }

    final class Try {
        final Choices c;
        final Directory d = directory;
        final Model m;
        final List<String> trace = new ArrayList<>();
        final List<PendingAudit> audits = new ArrayList<>();
        final NhsNumber somebodyElse = TestData.nhsNumber();
        final UserId somebodyElseUser = new UserId(UUID.randomUUID());

        Try(Choices choices) {
            this.c = choices;
            OdsCode practice = c.below(3) == 0 ? d.practiceB : d.practiceA;
            NhsNumber patient = TestData.nhsNumber();
            m = new Model(patient, practice);
            Session registrar = c.of(d.sessions.stream().filter(s -> s.organisation().equals(practice)
                    && (s.role() == Role.GP || s.role() == Role.PRACTICE_ADMIN)).toList());
            Demographics demographics = new Demographics("Prop", "Patient", LocalDate.of(1980, 5, 17),
                    Demographics.Gender.UNKNOWN, new Address("2 Test Road", null, "Testtown", "ZZ99 9ZZ"));
            send(new RegisterPatient(patient, demographics, practice, registrar.actor(), clock.instant()),
                    "register at " + d.name(practice) + " by " + registrar.label());
        }

        void run() {
            for (int round = 0; round < ROUNDS; round++) {
                int changes = 1 + c.below(round == 0 ? 6 : 3);
                for (int i = 0; i < changes; i++) {
                    change();
                }
                for (int i = 0; i < READS_PER_ROUND; i++) {
                    Duration move = c.of(MOVES);
                    if (!move.isZero()) {
                        clock.advance(move);
                        trace.add("clock +" + move);
                    }
                    read();
                }
            }
            checkAudits();
        }

        // ---- history ---------------------------------------------------------------------------------------

        void change() {
            switch (c.weighted(8, 2, 1, 1, 9, 1, 6, 2, 1, 4, 1)) {
                case 0 -> recordEntry();
                case 1 -> onEntry("amend", e -> {
                    Session by = c.of(changers(e));
                    if (send(new AmendEntry(m.patient, e.id, content(e.section, "amended"), "corrected", by.actor(),
                            clock.instant()), "amend " + e.id + " by " + by.label(), holds(by, ANY_BASIS))) {
                        e.version++;
                        e.changes.add(EntryVersion.Change.AMENDED);
                    }
                });
                case 2 -> onEntry("enter in error", e -> {
                    Session by = c.of(changers(e));
                    if (send(new MarkEntryEnteredInError(m.patient, e.id, "wrong patient", by.actor(),
                            clock.instant()), "entered in error " + e.id + " by " + by.label(), holds(by, ANY_BASIS))) {
                        e.enteredInError = true;
                        e.changes.add(EntryVersion.Change.ENTERED_IN_ERROR);
                    }
                });
                case 3 -> onEntry("change sensitivity", e -> {
                    Session by = c.of(changers(e));
                    Sensitivity to = c.of(SENSITIVITIES);
                    boolean applied = send(new ChangeEntrySensitivity(m.patient, e.id, to, "reviewed", by.actor(),
                                    clock.instant()),
                            "sensitivity " + e.id + " " + e.sensitivity + " -> " + to + " by " + by.label(),
                            holds(by, ANY_BASIS));
                    if (applied && to != e.sensitivity) {
                        e.sensitivity = to;
                        e.changes.add(EntryVersion.Change.SENSITIVITY_CHANGED);
                    }
                });
                case 4 -> consent();
                case 5 -> dissent();
                case 6 -> grant();
                case 7 -> sealedGrant();
                case 8 -> revoke();
                case 9 -> emergency();
                default -> transfer();
            }
        }

        void recordEntry() {
            Section section = c.of(SECTIONS);
            Session author = pick(d.sessions.stream().filter(s -> writes(s.role()).contains(section)).toList(),
                    ANY_BASIS);
            Sensitivity sensitivity = SENSITIVITIES.get(c.weighted(4, 2, 2, 2));
            EntryId id = new EntryId(UUID.randomUUID());
            if (send(new RecordEntry(m.patient, id, section, content(section, "note"), sensitivity, author.actor(),
                    clock.instant()), "entry " + id + " " + section + " " + sensitivity + " by " + author.label(),
                    holds(author, ANY_BASIS))) {
                m.entries.put(id, new ModelEntry(id, section, author.organisation(), author.user(), sensitivity));
            }
        }

        /** Amend, mark in error, change sensitivity: by a writer of the section at the authoring organisation. */
        List<Session> changers(ModelEntry e) {
            return d.sessions.stream().filter(s -> s.organisation().equals(e.organisation)
                    && writes(s.role()).contains(e.section)).toList();
        }

        void onEntry(String what, Consumer<ModelEntry> change) {
            List<ModelEntry> live = m.entries.values().stream().filter(e -> !e.enteredInError).toList();
            if (live.isEmpty()) {
                recordEntry();
            } else {
                change.accept(c.of(live));
            }
        }

        void consent() {
            OdsCode organisation = c.of(d.organisations);
            ConsentDirection direction = c.below(2) == 0 ? ConsentDirection.SHARE_OUT : ConsentDirection.SHARE_IN;
            ConsentDecision decision = c.below(4) == 0 ? ConsentDecision.REFUSED : ConsentDecision.GRANTED;
            Actor by;
            ConsentMethod method;
            boolean related = true; // the patient needs no care relationship with their own record
            if (c.below(3) == 0) {
                by = Actor.patient(m.patientUser);
                method = ConsentMethod.ONLINE_BY_PATIENT;
            } else {
                Session recorder = consentRecorder();
                by = recorder.actor();
                related = holds(recorder, ANY_BASIS);
                method = c.below(2) == 0 ? ConsentMethod.VERBAL : ConsentMethod.WRITTEN;
            }
            if (send(new RecordConsentDecision(m.patient, organisation, direction, decision, method, by,
                            clock.instant()),
                    "consent " + direction + " " + d.name(organisation) + " " + decision + " (" + method + ") by "
                            + by.role() + "@" + by.organisation(), related)) {
                (direction == ConsentDirection.SHARE_OUT ? m.shareOut : m.shareIn).put(organisation, decision);
            }
        }

        Session consentRecorder() {
            return pick(d.sessions.stream().filter(s -> s.role() != Role.IG_OFFICER).toList(), ANY_BASIS);
        }

        void dissent() {
            boolean patientSelf = c.below(2) == 0;
            Session recorder = patientSelf ? null : consentRecorder();
            Actor by = patientSelf ? Actor.patient(m.patientUser) : recorder.actor();
            boolean related = patientSelf || holds(recorder, ANY_BASIS);
            ConsentMethod method = patientSelf ? ConsentMethod.ONLINE_BY_PATIENT : ConsentMethod.WRITTEN;
            String label = patientSelf ? "the patient" : recorder.label();
            boolean applied = m.dissent
                    ? send(new WithdrawDissent(m.patient, method, by, clock.instant()), "dissent withdrawn by " + label,
                    related)
                    : send(new RecordDissent(m.patient, method, by, clock.instant()), "dissent recorded by " + label,
                    related);
            if (applied) {
                m.dissent = !m.dissent;
            }
        }

        Grantee grantee(boolean organisations) {
            int kind = c.below(organisations ? 3 : 2);
            if (kind == 0) {
                return Grantee.user(c.of(d.sessions).user());
            }
            if (kind == 1) {
                return Grantee.team(c.of(List.copyOf(d.teams.keySet())));
            }
            return Grantee.organisation(c.of(d.organisations));
        }

        String describe(Grantee g) {
            return switch (g.kind()) {
                case USER -> "user " + d.label(UserId.of(g.id()));
                case TEAM -> "team@" + d.name(d.teams.get(TeamId.of(g.id())));
                case ORGANISATION -> "org " + d.name(OdsCode.of(g.id()));
            };
        }

        Instant[] window() {
            Instant now = clock.instant();
            Instant from = now.plus(c.of(STARTS));
            Instant until = from.plus(c.of(LENGTHS));
            if (!until.isAfter(now)) {
                until = now.plus(Duration.ofHours(1));
            }
            return new Instant[]{from, until};
        }

        Session grantor() {
            return pick(d.sessions.stream().filter(s -> s.role() != Role.IG_OFFICER).toList(), GRANTING_BASES);
        }

        /** ADR 8: an out-of-hours clinician opening an out-of-hours episode for their own organisation. */
        boolean ownOutOfHoursEpisode(Session by, GrantReason reason, Grantee grantee) {
            return by.role() == Role.OOH_CLINICIAN && reason == GrantReason.OUT_OF_HOURS_EPISODE
                    && grantee.equals(Grantee.organisation(by.organisation()));
        }

        void grant() {
            Grantee grantee = grantee(true);
            Set<Section> scope;
            if (c.below(3) == 0) {
                scope = EnumSet.allOf(Section.class);
            } else {
                scope = EnumSet.noneOf(Section.class);
                int n = 1 + c.below(4);
                for (int i = 0; i < n; i++) {
                    scope.add(c.of(SECTIONS));
                }
            }
            GrantReason reason = c.of(REASONS);
            Instant[] w = window();
            GrantId id = new GrantId(UUID.randomUUID());
            Session by = grantor();
            if (by.role() == Role.OOH_CLINICIAN && c.below(3) == 0) {
                // the out-of-hours service opening its episode for itself, with or without a prior basis
                reason = GrantReason.OUT_OF_HOURS_EPISODE;
                grantee = Grantee.organisation(by.organisation());
                w = window();
            }
            boolean related = holds(by, GRANTING_BASES) || ownOutOfHoursEpisode(by, reason, grantee);
            if (send(new GrantAccess(m.patient, id, grantee, reason, new GrantScope(scope), w[0], w[1], by.actor(),
                            clock.instant()),
                    "grant " + id + " (" + reason + ") to " + describe(grantee) + " scope " + scope + " " + window(w)
                            + " by " + by.label(), related)) {
                m.grants.add(new ModelGrant(id, grantee, scope, null, w[0], w[1]));
            }
        }

        void sealedGrant() {
            if (m.entries.isEmpty()) {
                recordEntry();
                return;
            }
            List<ModelEntry> all = List.copyOf(m.entries.values());
            List<ModelEntry> sealed = all.stream().filter(e -> e.sensitivity == Sensitivity.SEALED).toList();
            Set<EntryId> named = new HashSet<>();
            named.add(c.of(sealed.isEmpty() || c.below(4) == 0 ? all : sealed).id);
            if (c.below(3) == 0) {
                named.add(c.of(all).id);
            }
            Grantee grantee = grantee(false);
            Instant[] w = window();
            GrantId id = new GrantId(UUID.randomUUID());
            Session by = grantor();
            if (send(new GrantSealedEntryAccess(m.patient, id, grantee, List.copyOf(named), "covering colleague", w[0],
                            w[1], by.actor(), clock.instant()),
                    "sealed-entry grant " + id + " to " + describe(grantee) + " for " + named + " " + window(w)
                            + " by " + by.label(), holds(by, GRANTING_BASES))) {
                m.grants.add(new ModelGrant(id, grantee, null, named, w[0], w[1]));
            }
        }

        String window(Instant[] w) {
            Instant now = clock.instant();
            return "[now" + offset(Duration.between(now, w[0])) + ", now" + offset(Duration.between(now, w[1])) + ")";
        }

        String offset(Duration d) {
            return d.isNegative() ? "-" + d.negated() : "+" + d;
        }

        void revoke() {
            List<ModelGrant> live = m.grants.stream().filter(g -> g.revokedAt == null).toList();
            if (live.isEmpty()) {
                grant();
                return;
            }
            ModelGrant g = c.of(live);
            // granting roles with a REGISTERED or GRANT basis, and IG officers, may revoke
            Session by = c.below(4) == 0 ? c.of(d.sessions)
                    : pick(d.sessions.stream().filter(s -> s.role() != Role.IG_OFFICER).toList(), GRANTING_BASES);
            boolean related = by.role() == Role.IG_OFFICER || holds(by, GRANTING_BASES);
            if (send(new RevokeAccessGrant(m.patient, g.id, "no longer needed", by.actor(), clock.instant()),
                    "revoke " + g.id + " by " + by.label(), related)) {
                g.revokedAt = clock.instant();
            }
        }

        void emergency() {
            Session by = c.of(d.sessions.stream().filter(s -> CLINICAL.contains(s.role())).toList());
            EmergencyAccessId id = new EmergencyAccessId(UUID.randomUUID());
            Instant now = clock.instant();
            send(new DeclareEmergencyAccess(m.patient, id, "collapsed, unconscious", by.actor(), now),
                    "emergency " + id + " by " + by.label());
            m.emergencies.add(new ModelEmergency(id, by.user(), now, now.plus(EMERGENCY_LASTS)));
        }

        void transfer() {
            OdsCode to = m.registeredPractice.equals(d.practiceA) ? d.practiceB : d.practiceA;
            Session by = c.of(d.sessions.stream().filter(s -> s.organisation().equals(to)
                    && (s.role() == Role.GP || s.role() == Role.PRACTICE_ADMIN)).toList());
            send(new TransferRegistration(m.patient, to, by.actor(), clock.instant()),
                    "transfer registration to " + d.name(to) + " by " + by.label());
            m.registeredPractice = to;
        }

        EntryContent content(Section section, String text) {
            LocalDate date = LocalDate.of(2025, 1, 1).plusDays(c.below(300));
            if (section == MEDICATIONS) {
                return new EntryContent(ClinicalCode.dmd("322236009"), "Paracetamol 500mg tablets", text, null, date,
                        null);
            }
            if (section.requiresCode()) {
                return new EntryContent(ClinicalCode.snomed("22298006"), "Myocardial infarction", text, null, date,
                        null);
            }
            return EntryContent.text(text, date);
        }

        /** A command that needs no care relationship (registration, transfer, emergency): it must succeed. */
        void send(Object command, String description) {
            boolean applied = send(command, description, true);
            assert applied;
        }

        /**
         * Sends a command that the model says the actor may ({@code related}) or may not (no care relationship)
         * issue. Related: it must succeed. Unrelated: it must be refused with NO_CARE_RELATIONSHIP, and the model
         * leaves it unapplied. Any other failure fails the try. Returns whether the command was applied.
         */
        boolean send(Object command, String description, boolean related) {
            trace.add(description + (related ? "" : " [no care relationship: expect refusal]"));
            try {
                long t0 = System.nanoTime();
                commands.sendAndWait(command);
                COMMAND_NANOS.addAndGet(System.nanoTime() - t0);
                COMMANDS.incrementAndGet();
            } catch (RuntimeException e) {
                Refusal refusal = refusalIn(e);
                if (!related && refusal != null && refusal.kind() == Refusal.Kind.NO_CARE_RELATIONSHIP) {
                    REFUSED_WRITES.incrementAndGet();
                    return false;
                }
                throw new AssertionError("command failed unexpectedly: " + description + "\n" + history(), e);
            }
            if (!related) {
                throw new AssertionError("command without a care relationship was applied: " + description + "\n"
                        + history());
            }
            return true;
        }

        Refusal refusalIn(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Refusal refusal) {
                    return refusal;
                }
            }
            return null;
        }

        Who who(Session s) {
            return new Who(s.label(), s.user(), s.role(), s.organisation(), null);
        }

        /** True when the session holds one of these bases for the patient now (the model's view). */
        boolean holds(Session s, Set<Basis> bases) {
            Basis basis = m.basisOf(who(s), clock.instant());
            return basis != null && bases.contains(basis);
        }

        /**
         * Picks an actor among candidates: three times in four among those holding one of the bases (when there are
         * any), so that histories grow; otherwise among all, so that unrelated writers are tried too.
         */
        Session pick(List<Session> candidates, Set<Basis> bases) {
            List<Session> related = candidates.stream().filter(s -> holds(s, bases)).toList();
            return related.isEmpty() || c.below(4) == 0 ? c.of(candidates) : c.of(related);
        }

        // ---- reads -----------------------------------------------------------------------------------------

        void read() {
            Who who = reader();
            EntryId only = null;
            if (!m.entries.isEmpty() && c.below(4) == 0) {
                only = c.of(List.copyOf(m.entries.keySet()));
            }
            Instant now = clock.instant();
            Expected expected = m.expect(who, now, only);
            Reader reader = who.role() == Role.PATIENT ? Reader.patient(who.user(), who.self())
                    : Reader.staff(who.user(), who.role(), who.organisation(), Set.of());
            Purpose purpose = who.role() == Role.PATIENT ? Purpose.PATIENT_ACCESS : Purpose.DIRECT_CARE;
            long t0 = System.nanoTime();
            RecordRead read = only == null ? reads.open(reader, m.patient, purpose, Channel.WEB)
                    : reads.history(reader, m.patient, only, purpose, Channel.WEB);
            READ_NANOS.addAndGet(System.nanoTime() - t0);
            String context = (only == null ? "open" : "history of " + only) + " by " + who.label();
            trace.add("READ: " + context + " -> " + summary(read));
            compare(context, expected, read, only);
            audits.add(new PendingAudit(read.auditEvent(), read, who,
                    only == null ? RecordView.CURRENT : RecordView.HISTORY, context));
            SCENARIOS.incrementAndGet();
            (only == null ? OPENS : HISTORIES).incrementAndGet();
            DISCLOSED_ENTRIES.addAndGet(expected.disclosed().size());
            WITHHELD_ENTRIES.addAndGet(expected.withheld());
            synchronized (OUTCOMES) {
                OUTCOMES.computeIfAbsent(expected.refused() != null ? expected.refused().name()
                        : expected.basis().name(), k -> new AtomicInteger()).incrementAndGet();
            }
        }

        /** Mostly readers with some claim on this record (so reads are rarely bare refusals), some anybody. */
        Who reader() {
            Instant now = clock.instant();
            int kind = c.weighted(7, 3, 4, 3, 2, 1);
            List<Session> pool = switch (kind) {
                case 0 -> d.sessions.stream().filter(s -> claimElsewhere(s, now)).toList();
                case 1 -> d.sessions.stream().filter(s -> claimElsewhere(s, null)).toList();
                case 2 -> d.sessions.stream().filter(s -> s.organisation().equals(m.registeredPractice)).toList();
                default -> d.sessions;
            };
            if (kind == 4) {
                return new Who("the patient", m.patientUser, Role.PATIENT, null, m.patient);
            }
            if (kind == 5) {
                return new Who("another patient", somebodyElseUser, Role.PATIENT, null, somebodyElse);
            }
            if (pool.isEmpty()) {
                pool = d.sessions.stream().filter(s -> s.organisation().equals(m.registeredPractice)).toList();
            }
            Session s = c.of(pool);
            return new Who(s.label(), s.user(), s.role(), s.organisation(), null);
        }

        /**
         * Not at the registered practice, but named by a grant or an emergency: active at {@code now}, or at any
         * time when {@code now} is null. Only steers the choice of readers towards interesting ones.
         */
        boolean claimElsewhere(Session s, Instant now) {
            Who who = new Who(s.label(), s.user(), s.role(), s.organisation(), null);
            return !s.organisation().equals(m.registeredPractice)
                    && (m.grants.stream().anyMatch(g -> (now == null || g.activeAt(now)) && m.covers(g.grantee, who))
                    || m.emergencies.stream().anyMatch(e -> (now == null || e.activeAt(now))
                    && e.user().equals(s.user())));
        }

        void compare(String context, Expected expected, RecordRead read, EntryId only) {
            List<String> problems = new ArrayList<>();
            if (expected.refused() != null) {
                check(problems, "refused", expected.refused(), read.refused());
                check(problems, "demographics", null, read.demographics());
                check(problems, "entries", List.of(), read.entries());
                check(problems, "versions", List.of(), read.versions());
            } else {
                check(problems, "refused", null, read.refused());
                check(problems, "basis", expected.basis(), read.basis());
                if (read.demographics() == null) {
                    problems.add("demographics missing although the read has a basis");
                }
                if (expected.basis() == Basis.GRANT && !expected.grants().contains(read.grant())) {
                    problems.add("grant " + read.grant() + " is not one of the covering grants " + expected.grants());
                }
                if (expected.basis() != Basis.GRANT && read.grant() != null) {
                    problems.add("grant " + read.grant() + " named on basis " + read.basis());
                }
                if (expected.basis() == Basis.EMERGENCY && !expected.emergencies().contains(read.emergency())) {
                    problems.add("emergency " + read.emergency() + " is not one of " + expected.emergencies());
                }
                if (expected.basis() != Basis.EMERGENCY && read.emergency() != null) {
                    problems.add("emergency " + read.emergency() + " named on basis " + read.basis());
                }
                check(problems, "withheld", expected.withheld(), read.withheld());
                if (only == null) {
                    Map<EntryId, Integer> got = new LinkedHashMap<>();
                    for (ReadEntry e : read.entries()) {
                        got.put(e.entry(), e.version());
                        ModelEntry me = m.entries.get(e.entry());
                        if (me == null) {
                            problems.add("disclosed an entry not in this record: " + e.entry());
                        } else if (me.section != e.section() || me.sensitivity != e.sensitivity()
                                || !me.organisation.equals(e.authoringOrganisation()) || !me.author.equals(e.author())) {
                            problems.add("entry " + e.entry() + " disclosed with wrong facts: " + e.section() + " "
                                    + e.sensitivity() + " " + e.authoringOrganisation());
                        }
                    }
                    check(problems, "entries (id -> version)", byId(expected.disclosed()), byId(got));
                    if (got.size() != read.entries().size()) {
                        problems.add("an entry was returned twice");
                    }
                    check(problems, "versions", List.of(), read.versions());
                } else {
                    check(problems, "entries", List.of(), read.entries());
                    ModelEntry e = m.entries.get(only);
                    if (expected.disclosed().containsKey(only)) {
                        check(problems, "history changes", e.changes,
                                read.versions().stream().map(EntryVersion::change).toList());
                        List<Integer> versions = new ArrayList<>();
                        for (int v = 1; v <= e.version; v++) {
                            versions.add(v);
                        }
                        check(problems, "history versions", versions, read.versions().stream()
                                .filter(EntryVersion::isVersion).map(EntryVersion::version).toList());
                        if (read.versions().stream().anyMatch(v -> !v.entry().equals(only))) {
                            problems.add("history returned versions of another entry");
                        }
                    } else {
                        check(problems, "history versions", List.of(), read.versions());
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new AssertionError("MISMATCH on " + context + " at " + clock.instant() + ": " + problems
                        + "\nexpected " + expected + "\nactual " + summary(read) + "\n" + history());
            }
        }

        void check(List<String> problems, String what, Object expected, Object actual) {
            if (!Objects.equals(expected, actual)) {
                problems.add(what + ": expected " + expected + " but was " + actual);
            }
        }

        String summary(RecordRead r) {
            if (!r.allowed()) {
                return "refused " + r.refused();
            }
            String what = r.versions().isEmpty()
                    ? r.entries().stream().map(e -> e.entry() + "v" + e.version()).toList().toString()
                    : r.versions().stream().map(v -> v.change() + "v" + v.version()).toList().toString();
            return r.basis() + " " + what + " withheld " + r.withheld();
        }

        String history() {
            return "patient history (registered at " + d.name(m.registeredPractice) + " now):\n  "
                    + String.join("\n  ", trace);
        }

        // ---- the audit trail: what was stored must be what was returned --------------------------------------

        void checkAudits() {
            long t0 = System.nanoTime();
            Map<String, Object> stored = new HashMap<>();
            String[] ids = audits.stream().map(PendingAudit::eventId).toArray(String[]::new);
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement("""
                        SELECT event_identifier, payload, payload_type, payload_revision FROM domain_event_entry
                        WHERE event_identifier = ANY(?)""");
                ps.setArray(1, con.createArrayOf("varchar", ids));
                return ps;
            }, rs -> {
                stored.put(rs.getString(1), eventSerializer.deserialize(new SimpleSerializedObject<>(rs.getBytes(2),
                        byte[].class, rs.getString(3), rs.getString(4))));
            });
            for (PendingAudit a : audits) {
                List<String> problems = new ArrayList<>();
                Object event = stored.get(a.eventId());
                RecordRead read = a.read();
                Who who = a.who();
                if (event == null) {
                    problems.add("no audit event stored");
                } else if (!read.allowed()) {
                    if (!(event instanceof RecordAccessRefused refused)) {
                        problems.add("stored " + event.getClass().getSimpleName() + " for a refusal");
                    } else {
                        check(problems, "audited reason", read.refused(), refused.reason());
                        check(problems, "audited patient", m.patient, refused.patient());
                        check(problems, "audited view", a.view(), refused.view());
                        check(problems, "audited reader", who.user(), refused.by().user());
                        check(problems, "audited role", who.role(), refused.by().role());
                        check(problems, "audited organisation", who.organisation(), refused.by().organisation());
                    }
                } else if (!(event instanceof RecordAccessed accessed)) {
                    problems.add("stored " + event.getClass().getSimpleName() + " for an allowed read");
                } else {
                    List<DisclosedEntry> returned = a.view() == RecordView.CURRENT
                            ? read.entries().stream().map(e -> new DisclosedEntry(e.entry(), e.version())).toList()
                            : read.versions().stream().filter(EntryVersion::isVersion)
                            .map(v -> new DisclosedEntry(v.entry(), v.version())).toList();
                    check(problems, "audited disclosures", sorted(returned), sorted(accessed.disclosed()));
                    check(problems, "audited withheld", read.withheld(), accessed.withheld());
                    check(problems, "audited basis", read.basis(), accessed.basis());
                    check(problems, "audited grant", read.grant(), accessed.grant());
                    check(problems, "audited emergency", read.emergency(), accessed.emergency());
                    check(problems, "audited view", a.view(), accessed.view());
                    check(problems, "audited patient", m.patient, accessed.patient());
                    check(problems, "audited reader", who.user(), accessed.by().user());
                    check(problems, "audited role", who.role(), accessed.by().role());
                    check(problems, "audited organisation", who.organisation(), accessed.by().organisation());
                    check(problems, "audited receipt", read.receipt(), accessed.receipt());
                }
                if (!problems.isEmpty()) {
                    throw new AssertionError("AUDIT MISMATCH on " + a.context() + ": " + problems + "\n" + history());
                }
            }
            AUDIT_NANOS.addAndGet(System.nanoTime() - t0);
        }

        Map<String, Integer> byId(Map<EntryId, Integer> entries) {
            Map<String, Integer> sorted = new TreeMap<>();
            entries.forEach((id, version) -> sorted.put(id.toString(), version));
            return sorted;
        }

        List<String> sorted(List<DisclosedEntry> entries) {
            return entries.stream().map(e -> e.entry() + "v" + e.version()).sorted().toList();
        }
    }
}
