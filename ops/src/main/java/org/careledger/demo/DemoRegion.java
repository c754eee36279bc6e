package org.careledger.demo;

import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantAccess;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.GrantSealedEntryAccess;
import org.careledger.access.Grantee;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.demo.DemoCatalogue.Concept;
import org.careledger.demo.DemoCatalogue.Measure;
import org.careledger.demo.DemoCatalogue.Town;
import org.careledger.directory.AssignRole;
import org.careledger.directory.FormTeam;
import org.careledger.directory.JoinTeam;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.record.Address;
import org.careledger.record.AmendEntry;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.MarkEntryEnteredInError;
import org.careledger.record.Quantity;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.record.TransferRegistration;
import org.careledger.record.UpdateDemographics;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The demo region, as the commands that build it: its organisations, teams and staff (issued by an administrator),
 * then its patients one by one, each with a record that has entries in every section, consent decisions, access
 * grants and the occasional emergency access. Everything enters the ledger through commands, so all of it is events.
 * <p>
 * Deterministic: the same seed and patient count give the same commands, with ids drawn from the seeded random
 * source and times from a simulated clock that starts at {@link #START} or at a given start (never the wall clock:
 * the loaders pass {@link #startBefore}, so that the demo's grants, up to a year long, are in force when it is
 * loaded; the same seed, count and start give the same commands, and ids never depend on the start). Patients are
 * generated lazily ({@link #patients()}), so a region of {@value #MAX_PATIENTS} patients never sits in memory; a
 * smaller region is a prefix of a larger one with the same seed.
 * <p>
 * Roles are chosen so that every entry's author may write its section under the default role policy, every
 * change of an entry comes from its authoring organisation, and grants stay inside the policy maxima.
 */
public final class DemoRegion {

    public static final int MAX_PATIENTS = 260_000;
    public static final int DEFAULT_PATIENTS = 2_000;
    public static final long DEFAULT_SEED = 42L;

    /** Where the simulated clock starts: a Monday morning. */
    public static final Instant START = Instant.parse("2025-01-06T08:00:00Z");
    private static final LocalDate TODAY = LocalDate.ofInstant(START, ZoneOffset.UTC);

    /** The community health trust, the first organisation the demo registers (whatever the seed): its presence says
     * the demo region is loaded. */
    public static final OdsCode FIRST_ORGANISATION = OdsCode.of("RCX");
    static final OdsCode MENTAL_HEALTH_TRUST = OdsCode.of("RMX");
    static final OdsCode SOCIAL_CARE = OdsCode.of("LA601");
    static final OdsCode OUT_OF_HOURS = OdsCode.of("NOH01");

    public static final int PRACTICES = 27;
    public static final int CLINICS = 12;
    public static final int PHARMACIES = 30;
    public static final int STAFF = 600;
    static final int DISTRICT_NURSING_TEAMS = 6;
    static final int LOCALITY_TEAMS = 4;
    static final int MENTAL_HEALTH_TEAMS = 4;

    /** Sections a specialist or clinic sees on an outpatient referral (the specialist's role view). */
    private static final GrantScope CLINIC_SCOPE = new GrantScope(EnumSet.of(Section.DEMOGRAPHICS, Section.PROBLEMS,
            Section.MEDICATIONS, Section.ALLERGIES, Section.OBSERVATIONS, Section.TEST_RESULTS, Section.CONSULTATIONS,
            Section.DOCUMENTS, Section.REFERRALS));
    private static final GrantScope NURSING_SCOPE = new GrantScope(EnumSet.of(Section.DEMOGRAPHICS, Section.PROBLEMS,
            Section.MEDICATIONS, Section.ALLERGIES, Section.OBSERVATIONS, Section.TEST_RESULTS, Section.IMMUNISATIONS,
            Section.REFERRALS, Section.CARE_PLANS, Section.COMMUNITY_NURSING));
    private static final GrantScope MENTAL_HEALTH_SCOPE = new GrantScope(EnumSet.of(Section.DEMOGRAPHICS,
            Section.PROBLEMS, Section.MEDICATIONS, Section.ALLERGIES, Section.REFERRALS, Section.CARE_PLANS,
            Section.MENTAL_HEALTH, Section.SAFEGUARDING));
    private static final GrantScope SOCIAL_CARE_SCOPE = new GrantScope(EnumSet.of(Section.DEMOGRAPHICS,
            Section.ALLERGIES, Section.CARE_PLANS, Section.SOCIAL_CARE, Section.SAFEGUARDING));
    private static final GrantScope OOH_SCOPE = new GrantScope(EnumSet.of(Section.DEMOGRAPHICS, Section.PROBLEMS,
            Section.MEDICATIONS, Section.ALLERGIES, Section.OBSERVATIONS, Section.TEST_RESULTS, Section.IMMUNISATIONS,
            Section.CONSULTATIONS, Section.CARE_PLANS));
    private static final GrantScope PHARMACY_SCOPE = new GrantScope(EnumSet.of(Section.DEMOGRAPHICS,
            Section.PROBLEMS, Section.MEDICATIONS, Section.ALLERGIES, Section.TEST_RESULTS));

    /** One patient's commands, in the order they must be sent. */
    public record PatientCommands(int index, NhsNumber patient, List<Object> commands) {
    }

    /** An organisation of the region and where it is. */
    record Org(OdsCode ods, String name, OrganisationType type, Town town) {
    }

    record Team(TeamId id, OdsCode organisation, String name, List<Actor> members) {
    }

    private final long seed;
    private final int patients;
    private final List<Object> directory = new ArrayList<>();
    private final List<Org> practices = new ArrayList<>();
    private final List<Org> clinics = new ArrayList<>();
    private final List<Org> pharmacies = new ArrayList<>();
    private final List<Team> districtNursingTeams = new ArrayList<>();
    private final List<Team> localityTeams = new ArrayList<>();
    private final List<Team> mentalHealthTeams = new ArrayList<>();
    private final List<List<Actor>> gps = new ArrayList<>();
    private final List<List<Actor>> practiceNurses = new ArrayList<>();
    private final List<List<Actor>> practiceAdmins = new ArrayList<>();
    private final List<List<Actor>> specialists = new ArrayList<>();
    private final List<List<Actor>> pharmacists = new ArrayList<>();
    private final List<Actor> oohClinicians = new ArrayList<>();
    private final double[] practiceWeights = new double[PRACTICES];
    private final Actor administrator;
    private final Instant directoryEnd;
    private final Instant start;

    public DemoRegion(long seed, int patients) {
        this(seed, patients, START);
    }

    /** A region whose simulated clock starts at {@code start} instead of {@link #START}. */
    public DemoRegion(long seed, int patients, Instant start) {
        if (patients < 0 || patients > MAX_PATIENTS) {
            throw new IllegalArgumentException("patients must be 0 to " + MAX_PATIENTS);
        }
        this.seed = seed;
        this.patients = patients;
        SplittableRandom random = new SplittableRandom(seed);
        this.start = start;
        Clock clock = new Clock(start);
        this.administrator = Actor.staff(userId(random), Role.ADMINISTRATOR, FIRST_ORGANISATION);
        buildDirectory(random, clock);
        this.directoryEnd = clock.now;
    }

    /**
     * The start for a demo loaded at {@code now}: Monday 08:00 UTC of the week four weeks earlier, so the loaded
     * region reads as a month of recent care (its year-long caseload grants still in force) and keeps the weekday
     * pattern of {@link #START}.
     */
    public static Instant startBefore(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).minusWeeks(4)
                .with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY))
                .atTime(8, 0).toInstant(ZoneOffset.UTC);
    }

    /** Where the simulated clock starts. */
    public Instant start() {
        return start;
    }

    public long seed() {
        return seed;
    }

    public int patientCount() {
        return patients;
    }

    /** The administrator who issues every directory command. */
    public Actor administrator() {
        return administrator;
    }

    /** Organisations, teams and staff, in order: a few thousand commands. */
    public List<Object> directory() {
        return Collections.unmodifiableList(directory);
    }

    /** The patients, generated one at a time as the iterator advances. */
    public Iterator<PatientCommands> patients() {
        return new PatientIterator();
    }

    /** Every command of the region in order: the directory, then each patient's commands. */
    public Stream<Object> commands() {
        Stream<PatientCommands> patientStream = StreamSupport.stream(
                java.util.Spliterators.spliterator(patients(), patients,
                        java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL), false);
        return Stream.concat(directory.stream(), patientStream.flatMap(p -> p.commands().stream()));
    }

    // ------------------------------------------------------------------------------------------------ directory

    private void buildDirectory(SplittableRandom random, Clock clock) {
        Town home = DemoCatalogue.TOWNS.get(0);
        Org community = new Org(FIRST_ORGANISATION, "South Moor Community Health NHS Trust",
                OrganisationType.COMMUNITY_HEALTH, home);
        Org mentalHealth = new Org(MENTAL_HEALTH_TRUST, "South Moor Mental Health Partnership NHS Trust",
                OrganisationType.MENTAL_HEALTH, home);
        Org council = new Org(SOCIAL_CARE, "South Moor Council Adult and Children's Social Care",
                OrganisationType.SOCIAL_CARE, home);
        Org ooh = new Org(OUT_OF_HOURS, "South Moor Out-of-Hours GP Service", OrganisationType.OUT_OF_HOURS, home);
        List<Org> all = new ArrayList<>(List.of(community, mentalHealth, council, ooh));

        Set<String> codes = new HashSet<>();
        for (int i = 0; i < PRACTICES; i++) {
            Town town = DemoCatalogue.TOWNS.get(i % DemoCatalogue.TOWNS.size());
            String code = unique(codes, () -> "Y0" + digits(random, 4));
            String name = (i < DemoCatalogue.TOWNS.size() ? town.name() : pick(random, DemoCatalogue.STREETS) + " "
                    + town.name()) + " " + pick(random, List.of("Surgery", "Medical Centre", "Health Centre",
                    "Medical Practice"));
            Org practice = new Org(OdsCode.of(code), name, OrganisationType.GP_PRACTICE, town);
            practices.add(practice);
            practiceWeights[i] = 0.5 + random.nextDouble();
        }
        for (int i = 0; i < CLINICS; i++) {
            String code = unique(codes, () -> "NC" + digits(random, 3));
            Town town = DemoCatalogue.TOWNS.get(i);
            clinics.add(new Org(OdsCode.of(code), DemoCatalogue.SPECIALTIES.get(i) + " Clinic, " + town.name(),
                    OrganisationType.OUTPATIENT_CLINIC, town));
        }
        for (int i = 0; i < PHARMACIES; i++) {
            String code = unique(codes, () -> "F" + (char) ('A' + random.nextInt(26)) + digits(random, 3));
            Town town = DemoCatalogue.TOWNS.get(i % DemoCatalogue.TOWNS.size());
            pharmacies.add(new Org(OdsCode.of(code), pick(random, List.of("Moorside", "Riverside", "Market",
                    "Harbour", "Village", "Station", "Castle", "Abbey")) + " Pharmacy, " + town.name(),
                    OrganisationType.PHARMACY, town));
        }
        all.addAll(practices);
        all.addAll(clinics);
        all.addAll(pharmacies);
        for (Org org : all) {
            directory.add(new RegisterOrganisation(org.ods(), org.name(), org.type(), administrator, clock.tick(random)));
        }

        // the administrator is on the directory too
        directory.add(new RegisterStaffMember(administrator.user(), "Regional Directory Administrator", administrator,
                clock.tick(random)));
        directory.add(new AssignRole(administrator.user(), Role.ADMINISTRATOR, FIRST_ORGANISATION, administrator,
                clock.tick(random)));

        for (int i = 0; i < DISTRICT_NURSING_TEAMS; i++) {
            districtNursingTeams.add(formTeam(random, clock, FIRST_ORGANISATION,
                    "District Nursing Team " + DemoCatalogue.TOWNS.get(i).name()));
        }
        for (int i = 0; i < LOCALITY_TEAMS; i++) {
            localityTeams.add(formTeam(random, clock, SOCIAL_CARE,
                    "Adult Social Care Locality Team " + DemoCatalogue.TOWNS.get(i * 3).name()));
        }
        for (int i = 0; i < MENTAL_HEALTH_TEAMS; i++) {
            mentalHealthTeams.add(formTeam(random, clock, MENTAL_HEALTH_TRUST,
                    "Community Mental Health Team " + DemoCatalogue.TOWNS.get(i * 3 + 1).name()));
        }

        int staff = 1; // the administrator
        for (Org practice : practices) {
            gps.add(hire(random, clock, 4, Role.GP, practice.ods(), null));
            practiceNurses.add(hire(random, clock, 3, Role.PRACTICE_NURSE, practice.ods(), null));
            practiceAdmins.add(hire(random, clock, 3, Role.PRACTICE_ADMIN, practice.ods(), null));
            staff += 10;
        }
        for (int i = 0; i < 84; i++) {
            hire(random, clock, 1, Role.DISTRICT_NURSE, FIRST_ORGANISATION,
                    districtNursingTeams.get(i % DISTRICT_NURSING_TEAMS));
        }
        for (int i = 0; i < 52; i++) {
            hire(random, clock, 1, Role.MENTAL_HEALTH_PRACTITIONER, MENTAL_HEALTH_TRUST,
                    mentalHealthTeams.get(i % MENTAL_HEALTH_TEAMS));
        }
        for (int i = 0; i < 52; i++) {
            hire(random, clock, 1, Role.SOCIAL_WORKER, SOCIAL_CARE, localityTeams.get(i % LOCALITY_TEAMS));
        }
        staff += 84 + 52 + 52;
        for (int i = 0; i < PHARMACIES; i++) {
            pharmacists.add(hire(random, clock, i < 15 ? 2 : 1, Role.PHARMACIST, pharmacies.get(i).ods(), null));
            staff += i < 15 ? 2 : 1;
        }
        oohClinicians.addAll(hire(random, clock, 28, Role.OOH_CLINICIAN, OUT_OF_HOURS, null));
        staff += 28;
        for (Org clinic : clinics) {
            specialists.add(hire(random, clock, 5, Role.SPECIALIST, clinic.ods(), null));
            staff += 5;
        }
        List<OdsCode> igHomes = List.of(FIRST_ORGANISATION, MENTAL_HEALTH_TRUST, SOCIAL_CARE, OUT_OF_HOURS,
                practices.get(0).ods(), practices.get(1).ods(), practices.get(2).ods(), practices.get(3).ods());
        for (OdsCode igHome : igHomes) {
            hire(random, clock, 1, Role.IG_OFFICER, igHome, null);
            staff += 1;
        }
        if (staff != STAFF) {
            throw new IllegalStateException("demo staff count drifted: " + staff);
        }
        // a few GPs also work sessions for the out-of-hours service: a second role assignment
        for (int i = 0; i < 8; i++) {
            Actor gp = gps.get(i * 3).get(i % 4);
            directory.add(new AssignRole(gp.user(), Role.OOH_CLINICIAN, OUT_OF_HOURS, administrator, clock.tick(random)));
            oohClinicians.add(Actor.staff(gp.user(), Role.OOH_CLINICIAN, OUT_OF_HOURS));
        }
    }

    private Team formTeam(SplittableRandom random, Clock clock, OdsCode organisation, String name) {
        Team team = new Team(new TeamId(uuid(random)), organisation, name, new ArrayList<>());
        directory.add(new FormTeam(organisation, team.id(), name, administrator, clock.tick(random)));
        return team;
    }

    private List<Actor> hire(SplittableRandom random, Clock clock, int count, Role role, OdsCode organisation,
                             Team team) {
        List<Actor> hired = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            UserId user = userId(random);
            boolean female = random.nextBoolean();
            String name = pick(random, female ? DemoCatalogue.FEMALE_GIVEN : DemoCatalogue.MALE_GIVEN) + " "
                    + pick(random, DemoCatalogue.SURNAMES);
            directory.add(new RegisterStaffMember(user, name, administrator, clock.tick(random)));
            directory.add(new AssignRole(user, role, organisation, administrator, clock.tick(random)));
            Actor actor = Actor.staff(user, role, organisation);
            if (team != null) {
                directory.add(new JoinTeam(user, team.id(), administrator, clock.tick(random)));
                team.members().add(actor);
            }
            hired.add(actor);
        }
        return hired;
    }

    // ------------------------------------------------------------------------------------------------ patients

    private final class PatientIterator implements Iterator<PatientCommands> {
        private final Clock clock = new Clock(directoryEnd);
        private final NhsNumbers numbers = new NhsNumbers(seed);
        private int next;

        @Override
        public boolean hasNext() {
            return next < patients;
        }

        @Override
        public PatientCommands next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int index = next++;
            NhsNumber nhs = numbers.next();
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 31L * index + 7L);
            List<Object> commands = new PatientBuilder(nhs, random, clock).build();
            return new PatientCommands(index, nhs, List.copyOf(commands));
        }
    }

    /** Builds one patient's commands. */
    private final class PatientBuilder {
        private final NhsNumber nhs;
        private final SplittableRandom random;
        private final Clock clock;
        private final List<Object> out = new ArrayList<>();
        /** Entries that may later be amended or marked in error: (id, section, content, author). */
        private final List<Recorded> recorded = new ArrayList<>();
        /** Organisations whose grant was revoked (a discharge): their authors make no later corrections. */
        private final Set<OdsCode> discharged = new HashSet<>();
        private final int practiceIndex;
        private final Org practice;
        private final LocalDate birthDate;
        private final int age;
        private final Demographics.Gender gender;
        private final String givenName;
        private final String familyName;

        private record Recorded(EntryId id, Section section, EntryContent content, Actor author) {
        }

        PatientBuilder(NhsNumber nhs, SplittableRandom random, Clock clock) {
            this.nhs = nhs;
            this.random = random;
            this.clock = clock;
            this.practiceIndex = weightedPractice(random);
            this.practice = practices.get(practiceIndex);
            this.age = ageOf(random);
            this.birthDate = TODAY.minusYears(age).minusDays(random.nextInt(365));
            this.gender = random.nextInt(100) < 49 ? Demographics.Gender.MALE
                    : random.nextInt(100) < 99 ? Demographics.Gender.FEMALE : Demographics.Gender.OTHER;
            boolean female = gender == Demographics.Gender.FEMALE
                    || (gender == Demographics.Gender.OTHER && random.nextBoolean());
            this.givenName = pick(random, female ? DemoCatalogue.FEMALE_GIVEN : DemoCatalogue.MALE_GIVEN);
            this.familyName = pick(random, DemoCatalogue.SURNAMES);
        }

        List<Object> build() {
            Actor admin = pick(random, practiceAdmins.get(practiceIndex));
            Actor gp = pick(random, gps.get(practiceIndex));
            Actor nurse = pick(random, practiceNurses.get(practiceIndex));
            UserId patientUser = userId(random);
            Demographics demographics = demographics(practice.town());

            out.add(new RegisterPatient(nhs, demographics, practice.ods(), admin, clock.tick(random)));
            consent(practice.ods(), ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, admin, method());
            consent(practice.ods(), ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, admin, method());

            // DEMOGRAPHICS: an administrative entry, and now and then a change of address
            text(Section.DEMOGRAPHICS, admin, pick(random, List.of("Main spoken language: English",
                    "Preferred contact: telephone", "Accessible information: large print letters",
                    "Preferred contact: text message", "Main spoken language: Polish; interpreter not required")),
                    Sensitivity.NORMAL);
            if (chance(8)) {
                // moved house
                out.add(new UpdateDemographics(nhs, demographics(practice.town()), admin, clock.tick(random)));
            }

            // PROBLEMS (GP), with a mental health diagnosis for some
            int problems = 1 + random.nextInt(age < 40 ? 2 : 4);
            List<Concept> problemPool = age < 40
                    ? DemoCatalogue.PROBLEMS.stream().filter(c -> Set.of("195967001", "37796009", "84757009",
                    "414916001", "235595009", "271737000").contains(c.code())).toList()
                    : DemoCatalogue.PROBLEMS;
            for (Concept problem : distinct(problemPool, problems)) {
                coded(Section.PROBLEMS, gp, problem, null, null, Sensitivity.NORMAL);
            }
            boolean mentalHealthNeed = chance(12);
            if (mentalHealthNeed) {
                coded(Section.PROBLEMS, gp, pick(random, DemoCatalogue.MENTAL_HEALTH_PROBLEMS), null, null,
                        chance(15) ? Sensitivity.SEALED : Sensitivity.NORMAL);
            }

            // MEDICATIONS (GP prescribes: dm+d with dosage text)
            for (Concept medicine : distinct(DemoCatalogue.MEDICATIONS, 1 + random.nextInt(3))) {
                coded(Section.MEDICATIONS, gp, medicine, pick(random, DemoCatalogue.DOSAGES), null, Sensitivity.NORMAL);
            }

            // ALLERGIES (GP or practice nurse)
            Actor allergyAuthor = chance(50) ? gp : nurse;
            if (chance(80)) {
                coded(Section.ALLERGIES, allergyAuthor, DemoCatalogue.NO_KNOWN_ALLERGY, null, null, Sensitivity.NORMAL);
            } else {
                coded(Section.ALLERGIES, allergyAuthor, pick(random, DemoCatalogue.ALLERGIES),
                        pick(random, List.of("Rash", "Urticaria", "Angioedema", "Wheeze", "Nausea")), null,
                        Sensitivity.NORMAL);
            }

            // OBSERVATIONS (practice nurse): blood pressure and weight, sometimes more
            measure(Section.OBSERVATIONS, nurse, DemoCatalogue.SYSTOLIC);
            measure(Section.OBSERVATIONS, nurse, DemoCatalogue.DIASTOLIC);
            measure(Section.OBSERVATIONS, nurse, DemoCatalogue.WEIGHT);
            if (chance(40)) {
                measure(Section.OBSERVATIONS, nurse, pick(random, DemoCatalogue.OBSERVATIONS));
            }

            // TEST_RESULTS (GP files the results)
            for (Measure test : distinct(DemoCatalogue.TEST_RESULTS, 1 + random.nextInt(2))) {
                measure(Section.TEST_RESULTS, gp, test);
            }

            // IMMUNISATIONS (practice nurse)
            for (Concept vaccine : distinct(DemoCatalogue.IMMUNISATIONS, 1 + random.nextInt(2))) {
                coded(Section.IMMUNISATIONS, nurse, vaccine, "Batch " + (char) ('A' + random.nextInt(26))
                        + digits(random, 5), null, Sensitivity.NORMAL);
            }

            // CONSULTATIONS (GP), now and then one made PRIVATE afterwards
            for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
                EntryId consultation = coded(Section.CONSULTATIONS, gp, DemoCatalogue.CONSULTATION,
                        "Presented with " + pick(random, DemoCatalogue.PRESENTING_COMPLAINTS)
                                + ". Examined; advice given; safety-netted.", null, Sensitivity.NORMAL);
                if (chance(2)) {
                    out.add(new ChangeEntrySensitivity(nhs, consultation, Sensitivity.PRIVATE,
                            "Patient asked that this consultation stays within the practice", gp, clock.tick(random)));
                }
            }

            // DOCUMENTS: the migrated summary from the previous system
            text(Section.DOCUMENTS, gp, "Scanned document: summary of previous GP record (migrated)", Sensitivity.NORMAL);

            // CARE_PLANS (GP or practice nurse)
            coded(Section.CARE_PLANS, chance(50) ? gp : nurse, DemoCatalogue.CARE_PLAN,
                    pick(random, List.of("Annual review; self-management advice given",
                            "Long-term condition care plan agreed with patient",
                            "Weight management plan: review in three months")), null, Sensitivity.NORMAL);

            // REFERRALS and the services the patient is under, with their grants, consents and entries
            boolean referred = false;
            if (chance(15)) {
                outpatientReferral(gp);
                referred = true;
            }
            boolean caseload = chance(age >= 70 ? 30 : 4);
            if (caseload) {
                districtNursing(gp);
            } else {
                text(Section.COMMUNITY_NURSING, nurse, "No community nursing needs identified at review",
                        Sensitivity.NORMAL);
            }
            if (mentalHealthNeed && chance(50)) {
                mentalHealthReferral(gp);
                referred = true;
            } else {
                text(Section.MENTAL_HEALTH, gp, pick(random, List.of("Mental health screening (PHQ-2): negative",
                        "Mood discussed at review: no concerns", "Wellbeing check: coping well")), Sensitivity.NORMAL);
            }
            if (!referred) {
                coded(Section.REFERRALS, gp, DemoCatalogue.REFERRAL, pick(random, List.of(
                        "Referred to physiotherapy", "Referred to audiology", "Referred for retinal screening",
                        "Referred to smoking cessation service")), null, Sensitivity.NORMAL);
            }
            boolean socialCare = chance(age >= 75 ? 20 : 3);
            if (socialCare) {
                socialCareAllocation(gp);
            } else {
                text(Section.SOCIAL_CARE, gp, "Social circumstances: " + pick(random, DemoCatalogue.SOCIAL_CONTEXT),
                        Sensitivity.NORMAL);
            }

            // SAFEGUARDING (GP): usually nothing known; sometimes third-party information withheld from the patient
            if (chance(4)) {
                Sensitivity sensitivity = chance(60) ? Sensitivity.WITHHELD_FROM_PATIENT : Sensitivity.SEALED;
                EntryId concern = text(Section.SAFEGUARDING, gp, pick(random, DemoCatalogue.SAFEGUARDING_NOTES),
                        sensitivity);
                if (sensitivity == Sensitivity.SEALED) {
                    sealedGrant(gp, concern, Grantee.team(pick(random, localityTeams).id()));
                }
            } else {
                text(Section.SAFEGUARDING, gp, "No safeguarding concerns known", Sensitivity.NORMAL);
            }

            if (chance(10)) {
                pharmacy(gp);
            }
            if (chance(5)) {
                outOfHours();
            }
            if (chance(1)) {
                emergency();
            }
            sealedProblemGrant(gp);
            consentChanges(gp, patientUser);
            corrections();
            if (chance(1)) {
                transfer();
            }
            return out;
        }

        private void outpatientReferral(Actor gp) {
            int c = random.nextInt(CLINICS);
            Org clinic = clinics.get(c);
            Actor specialist = pick(random, specialists.get(c));
            coded(Section.REFERRALS, gp, DemoCatalogue.REFERRAL, "Referred to " + DemoCatalogue.SPECIALTIES.get(c)
                    + " clinic", null, Sensitivity.NORMAL);
            consent(clinic.ods(), ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp, ConsentMethod.VERBAL);
            GrantId grant = grant(gp, Grantee.organisation(clinic.ods()), GrantReason.OUTPATIENT_REFERRAL, CLINIC_SCOPE,
                    Duration.ofDays(180));
            consent(clinic.ods(), ConsentDirection.SHARE_OUT, chance(5) ? ConsentDecision.REFUSED
                    : ConsentDecision.GRANTED, specialist, ConsentMethod.WRITTEN);
            coded(Section.CONSULTATIONS, specialist, DemoCatalogue.CONSULTATION, DemoCatalogue.SPECIALTIES.get(c)
                    + " outpatient assessment: history taken, examination, plan discussed", null, Sensitivity.NORMAL);
            measure(Section.OBSERVATIONS, specialist, DemoCatalogue.HEART_RATE);
            coded(Section.DOCUMENTS, specialist, DemoCatalogue.CLINIC_LETTER, "Clinic letter to GP: "
                    + DemoCatalogue.SPECIALTIES.get(c) + " review, recommendations and follow-up", null,
                    Sensitivity.NORMAL);
            if (chance(10)) {
                out.add(new RevokeAccessGrant(nhs, grant, "Discharged from clinic", gp, clock.tick(random)));
                discharged.add(clinic.ods()); // its clinicians no longer hold a basis to correct their entries
            }
        }

        private void districtNursing(Actor gp) {
            Team team = districtNursingTeams.get(practiceIndex % DISTRICT_NURSING_TEAMS);
            Actor nurse = pick(random, team.members());
            consent(FIRST_ORGANISATION, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp, ConsentMethod.VERBAL);
            grant(gp, Grantee.team(team.id()), GrantReason.CASELOAD, NURSING_SCOPE, Duration.ofDays(365));
            consent(FIRST_ORGANISATION, ConsentDirection.SHARE_OUT, chance(4) ? ConsentDecision.REFUSED
                    : ConsentDecision.GRANTED, nurse, ConsentMethod.VERBAL);
            coded(Section.COMMUNITY_NURSING, nurse, pick(random, List.of(DemoCatalogue.WOUND_CARE,
                    DemoCatalogue.DRUG_ADMINISTRATION)), pick(random, DemoCatalogue.NURSING_TASKS), null,
                    Sensitivity.NORMAL);
            measure(Section.OBSERVATIONS, nurse, DemoCatalogue.SYSTOLIC);
            coded(Section.CARE_PLANS, nurse, DemoCatalogue.CARE_PLAN, "District nursing care plan: visits twice a week",
                    null, Sensitivity.NORMAL);
        }

        private void mentalHealthReferral(Actor gp) {
            Team team = mentalHealthTeams.get(practiceIndex % MENTAL_HEALTH_TEAMS);
            Actor practitioner = pick(random, team.members());
            coded(Section.REFERRALS, gp, DemoCatalogue.PSYCHIATRY_REFERRAL,
                    "Referred to the community mental health team", null, Sensitivity.NORMAL);
            consent(MENTAL_HEALTH_TRUST, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp, ConsentMethod.VERBAL);
            grant(gp, Grantee.team(team.id()), GrantReason.REFERRAL, MENTAL_HEALTH_SCOPE, Duration.ofDays(180));
            consent(MENTAL_HEALTH_TRUST, ConsentDirection.SHARE_OUT, chance(10) ? ConsentDecision.REFUSED
                    : ConsentDecision.GRANTED, practitioner, ConsentMethod.WRITTEN);
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                text(Section.MENTAL_HEALTH, practitioner, pick(random, DemoCatalogue.MENTAL_HEALTH_NOTES),
                        chance(30) ? Sensitivity.PRIVATE : Sensitivity.NORMAL);
            }
            coded(Section.CARE_PLANS, practitioner, DemoCatalogue.CARE_PLAN, "Care programme approach plan agreed",
                    null, Sensitivity.NORMAL);
        }

        private void socialCareAllocation(Actor gp) {
            Team team = localityTeams.get(practiceIndex % LOCALITY_TEAMS);
            Actor worker = pick(random, team.members());
            // the GP makes the allocation grant; only then does the social worker stand in a care relationship
            // with the patient and may record their consent (writes need a basis: ADR 8)
            grant(gp, Grantee.team(team.id()), GrantReason.SOCIAL_CARE_ALLOCATION, SOCIAL_CARE_SCOPE,
                    Duration.ofDays(365));
            consent(SOCIAL_CARE, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, worker, ConsentMethod.WRITTEN);
            consent(SOCIAL_CARE, ConsentDirection.SHARE_OUT, chance(8) ? ConsentDecision.REFUSED
                    : ConsentDecision.GRANTED, worker, ConsentMethod.WRITTEN);
            for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
                text(Section.SOCIAL_CARE, worker, pick(random, DemoCatalogue.SOCIAL_CARE_NOTES),
                        chance(10) ? Sensitivity.PRIVATE : Sensitivity.NORMAL);
            }
            text(Section.CARE_PLANS, worker, "Support plan agreed with the patient and their carer",
                    Sensitivity.NORMAL);
            if (chance(10)) {
                text(Section.SAFEGUARDING, worker, pick(random, DemoCatalogue.SAFEGUARDING_NOTES),
                        Sensitivity.WITHHELD_FROM_PATIENT);
            }
        }

        private void pharmacy(Actor gp) {
            int p = random.nextInt(PHARMACIES);
            Org pharmacy = pharmacies.get(p);
            Actor pharmacist = pick(random, pharmacists.get(p));
            consent(pharmacy.ods(), ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp, ConsentMethod.VERBAL);
            grant(gp, Grantee.organisation(pharmacy.ods()), GrantReason.REFERRAL, PHARMACY_SCOPE, Duration.ofDays(90));
            consent(pharmacy.ods(), ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, pharmacist,
                    ConsentMethod.VERBAL);
            coded(Section.MEDICATIONS, pharmacist, pick(random, DemoCatalogue.MEDICATIONS),
                    "New Medicine Service: supplied and counselled", null, Sensitivity.NORMAL);
        }

        private void outOfHours() {
            Actor clinician = pick(random, oohClinicians);
            // the episode grant to the service itself comes first: it is the out-of-hours service's relationship
            // with the patient (the one grant made without a prior basis: ADR 8), then consent is recorded under it
            grant(clinician, Grantee.organisation(OUT_OF_HOURS), GrantReason.OUT_OF_HOURS_EPISODE, OOH_SCOPE,
                    Duration.ofHours(24 + random.nextInt(49)));
            consent(OUT_OF_HOURS, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, clinician, ConsentMethod.VERBAL);
            consent(OUT_OF_HOURS, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, clinician, ConsentMethod.VERBAL);
            measure(Section.OBSERVATIONS, clinician, DemoCatalogue.TEMPERATURE);
            coded(Section.CONSULTATIONS, clinician, DemoCatalogue.CONSULTATION, "Out-of-hours call: "
                    + pick(random, DemoCatalogue.OOH_COMPLAINTS) + ". Advice given; own GP to review.", null,
                    Sensitivity.NORMAL);
        }

        private void emergency() {
            Actor clinician = chance(50) ? pick(random, oohClinicians)
                    : pick(random, specialists.get(random.nextInt(CLINICS)));
            out.add(new DeclareEmergencyAccess(nhs, new EmergencyAccessId(uuid(random)), pick(random, List.of(
                    "Patient unconscious on arrival; medication and allergy history needed",
                    "Acute confusion, no relative available; need current medicines",
                    "Collapse in clinic waiting area; checking problems and allergies")), clinician,
                    clock.tick(random)));
        }

        /** A sensitive diagnosis the GP sealed, disclosed by name to a colleague at the practice. */
        private void sealedProblemGrant(Actor gp) {
            for (Object command : List.copyOf(out)) {
                if (command instanceof RecordEntry entry && entry.sensitivity() == Sensitivity.SEALED
                        && entry.section() == Section.PROBLEMS) {
                    Actor colleague = gps.get(practiceIndex).stream().filter(a -> !a.equals(gp)).findFirst()
                            .orElse(gp);
                    sealedGrant(entry.by(), entry.entry(), Grantee.user(colleague.user()));
                    return;
                }
            }
        }

        private void sealedGrant(Actor by, EntryId entry, Grantee grantee) {
            Instant at = clock.tick(random);
            out.add(new GrantSealedEntryAccess(nhs, new GrantId(uuid(random)), grantee, List.of(entry),
                    "Needed for continuity of care; agreed with the patient", at,
                    at.plus(Duration.ofDays(30 + random.nextInt(61))), by, at));
        }

        private void consentChanges(Actor gp, UserId patientUser) {
            Actor patient = Actor.patient(patientUser);
            if (chance(10)) {
                // the patient changes a decision online
                OdsCode organisation = chance(50) ? OUT_OF_HOURS : pick(random, pharmacies).ods();
                consent(organisation, ConsentDirection.SHARE_IN, chance(70) ? ConsentDecision.GRANTED
                        : ConsentDecision.REFUSED, patient, ConsentMethod.ONLINE_BY_PATIENT);
            }
            if (chance(2)) {
                boolean online = chance(50);
                out.add(new RecordDissent(nhs, online ? ConsentMethod.ONLINE_BY_PATIENT : ConsentMethod.WRITTEN,
                        online ? patient : gp, clock.tick(random)));
                if (chance(30)) {
                    out.add(new WithdrawDissent(nhs, ConsentMethod.ONLINE_BY_PATIENT, patient, clock.tick(random)));
                }
            }
        }

        /** Amendments and entries marked entered in error, each by its author (hence its authoring organisation). */
        private void corrections() {
            Set<EntryId> inError = new HashSet<>();
            for (Recorded entry : List.copyOf(recorded)) {
                if (discharged.contains(entry.author().organisation())) {
                    continue; // writes need a basis (ADR 8): a discharged clinic corrects nothing afterwards
                }
                if (chance(4) && entry.content().value() != null) {
                    EntryContent c = entry.content();
                    Quantity corrected = new Quantity(c.value().value().add(BigDecimal.ONE), c.value().unit());
                    out.add(new AmendEntry(nhs, entry.id(), new EntryContent(c.code(), c.displayTerm(), c.text(),
                            corrected, c.effectiveDate(), c.pathwayTemplateId()), "Transcription error corrected",
                            entry.author(), clock.tick(random)));
                } else if (chance(3) && entry.content().code() != null) {
                    EntryContent c = entry.content();
                    String text = (c.text() == null ? "" : c.text() + ". ") + "Reviewed and confirmed";
                    out.add(new AmendEntry(nhs, entry.id(), new EntryContent(c.code(), c.displayTerm(), text,
                            c.value(), c.effectiveDate(), c.pathwayTemplateId()), "Detail added at review",
                            entry.author(), clock.tick(random)));
                } else if (chance(1) && inError.add(entry.id())) {
                    out.add(new MarkEntryEnteredInError(nhs, entry.id(), "Recorded in the wrong patient's record",
                            entry.author(), clock.tick(random)));
                }
            }
        }

        private void transfer() {
            int to = (practiceIndex + 1 + random.nextInt(PRACTICES - 1)) % PRACTICES;
            out.add(new TransferRegistration(nhs, practices.get(to).ods(), pick(random, practiceAdmins.get(to)),
                    clock.tick(random)));
        }

        // -------------------------------------------------------------------------------------------- helpers

        private EntryId coded(Section section, Actor author, Concept concept, String text, Quantity value,
                              Sensitivity sensitivity) {
            ClinicalCode code = section == Section.MEDICATIONS ? ClinicalCode.dmd(concept.code())
                    : ClinicalCode.snomed(concept.code());
            return entry(section, author, new EntryContent(code, concept.term(), text, value, effectiveDate(), null),
                    sensitivity);
        }

        private EntryId text(Section section, Actor author, String text, Sensitivity sensitivity) {
            return entry(section, author, EntryContent.text(text, effectiveDate()), sensitivity);
        }

        private void measure(Section section, Actor author, Measure measure) {
            double raw = measure.low() + random.nextDouble() * (measure.high() - measure.low());
            BigDecimal value = BigDecimal.valueOf(raw).setScale(measure.decimals(), RoundingMode.HALF_UP);
            coded(section, author, new Concept(measure.code(), measure.term()), null,
                    new Quantity(value, measure.unit()), Sensitivity.NORMAL);
        }

        private EntryId entry(Section section, Actor author, EntryContent content, Sensitivity sensitivity) {
            EntryId id = new EntryId(uuid(random));
            out.add(new RecordEntry(nhs, id, section, content, sensitivity, author, clock.tick(random)));
            recorded.add(new Recorded(id, section, content, author));
            return id;
        }

        private GrantId grant(Actor by, Grantee grantee, GrantReason reason, GrantScope scope, Duration lasts) {
            GrantId id = new GrantId(uuid(random));
            Instant at = clock.tick(random);
            out.add(new GrantAccess(nhs, id, grantee, reason, scope, at, at.plus(lasts), by, at));
            return id;
        }

        private void consent(OdsCode organisation, ConsentDirection direction, ConsentDecision decision, Actor by,
                             ConsentMethod method) {
            out.add(new RecordConsentDecision(nhs, organisation, direction, decision, method, by, clock.tick(random)));
        }

        private ConsentMethod method() {
            return chance(70) ? ConsentMethod.VERBAL : ConsentMethod.WRITTEN;
        }

        private LocalDate effectiveDate() {
            LocalDate earliest = birthDate.isAfter(TODAY.minusYears(12)) ? birthDate : TODAY.minusYears(12);
            long span = TODAY.toEpochDay() - earliest.toEpochDay();
            return earliest.plusDays(span <= 0 ? 0 : random.nextLong(span + 1));
        }

        private Demographics demographics(Town town) {
            Town home = chance(85) ? town : pick(random, DemoCatalogue.TOWNS);
            String line1 = (1 + random.nextInt(140)) + " " + pick(random, DemoCatalogue.STREETS) + " "
                    + pick(random, DemoCatalogue.STREET_KINDS);
            String line2 = chance(20) ? pick(random, List.of("Flat 1", "Flat 2", "Flat 3", "The Annexe",
                    "Rose Cottage")) : null;
            String postcode = home.district() + " " + random.nextInt(10)
                    + letter(random) + letter(random);
            return new Demographics(givenName, familyName, birthDate, gender, new Address(line1, line2, home.name(), postcode));
        }

        private boolean chance(int percent) {
            return random.nextInt(100) < percent;
        }

        private <T> List<T> distinct(List<T> pool, int count) {
            List<T> copy = new ArrayList<>(pool);
            List<T> chosen = new ArrayList<>(count);
            for (int i = 0; i < count && !copy.isEmpty(); i++) {
                chosen.add(copy.remove(random.nextInt(copy.size())));
            }
            return chosen;
        }
    }

    private int weightedPractice(SplittableRandom random) {
        double total = 0;
        for (double w : practiceWeights) {
            total += w;
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < PRACTICES; i++) {
            r -= practiceWeights[i];
            if (r < 0) {
                return i;
            }
        }
        return PRACTICES - 1;
    }

    /** Ages 0-99, a little heavier in the older decades as a GP list is. */
    private static int ageOf(SplittableRandom random) {
        int band = random.nextInt(100);
        if (band < 20) {
            return random.nextInt(18);
        }
        if (band < 65) {
            return 18 + random.nextInt(47);
        }
        return 65 + random.nextInt(35);
    }

    // ------------------------------------------------------------------------------------------------ primitives

    /** A simulated clock: every command happens a little after the one before. */
    private static final class Clock {
        private Instant now;

        Clock(Instant start) {
            this.now = start;
        }

        Instant tick(SplittableRandom random) {
            now = now.plusMillis(200 + random.nextInt(1800));
            return now;
        }
    }

    /**
     * NHS numbers from the 999 test range: a walk over the six free digits with a stride coprime to 10^6, from a
     * seed-dependent start, skipping the nine-digit stems whose Modulus 11 check would be 10. Never repeats within
     * 10^6 steps (over 900,000 valid numbers), so MAX_PATIENTS fit with room to spare.
     */
    static final class NhsNumbers {
        private static final int SPACE = 1_000_000;
        private static final int STRIDE = 7_919;
        private int position;

        NhsNumbers(long seed) {
            this.position = (int) Math.floorMod(seed * 1_000_003L + 12_345L, (long) SPACE);
        }

        NhsNumber next() {
            while (true) {
                String stem = "999" + String.format("%06d", position);
                position = (position + STRIDE) % SPACE;
                Integer check = NhsNumber.checkDigit(stem);
                if (check != null) {
                    return NhsNumber.of(stem + check);
                }
            }
        }
    }

    private static UserId userId(SplittableRandom random) {
        return new UserId(uuid(random));
    }

    /** A version-4-shaped UUID drawn from the seeded random source. */
    static UUID uuid(SplittableRandom random) {
        long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo);
    }

    private static <T> T pick(SplittableRandom random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static String digits(SplittableRandom random, int count) {
        StringBuilder s = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    private static char letter(SplittableRandom random) {
        return DemoCatalogue.POSTCODE_LETTERS.charAt(random.nextInt(DemoCatalogue.POSTCODE_LETTERS.length()));
    }

    private static String unique(Set<String> taken, Supplier<String> candidate) {
        while (true) {
            String code = candidate.get();
            if (taken.add(code)) {
                return code;
            }
        }
    }
}
