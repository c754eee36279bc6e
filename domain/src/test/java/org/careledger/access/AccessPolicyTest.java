package org.careledger.access;

import org.careledger.shared.GrantReason;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.AccessDecision.Refused;
import org.careledger.access.AccessDecision.Withheld;
import org.careledger.access.PatientSharingState.Consent;
import org.careledger.access.PatientSharingState.Dissent;
import org.careledger.access.PatientSharingState.Emergency;
import org.careledger.access.PatientSharingState.Grant;
import org.careledger.access.PatientSharingState.SealedGrant;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md's access rules, one row each, against the pure policy: who reads, the patient's sharing state, one
 * entry, the time, and the expected outcome (a refusal, or the basis and the entry disclosed or withheld and why).
 */
class AccessPolicyTest {

    static final RolePolicy POLICY = RolePolicy.defaultPolicy();
    static final Instant NOW = Instant.parse("2026-03-03T10:00:00Z");
    static final NhsNumber PATIENT = NhsNumber.of("9990000018");
    static final NhsNumber OTHER_PATIENT = NhsNumber.of("9990000026");

    static final OdsCode PRACTICE = OdsCode.of("Y00001");   // the patient's registered practice
    static final OdsCode CLINIC = OdsCode.of("RX1");
    static final OdsCode COMMUNITY = OdsCode.of("RY1");
    static final OdsCode COUNCIL = OdsCode.of("SC1");
    static final OdsCode PHARMACY = OdsCode.of("FA001");

    static final UserId GP = user(1);
    static final UserId OTHER_GP = user(2);
    static final UserId SPECIALIST = user(3);
    static final UserId NURSE = user(4);
    static final UserId SOCIAL_WORKER = user(5);
    static final UserId PHARMACIST = user(6);
    static final UserId PATIENT_USER = user(7);
    static final UserId IG = user(8);
    static final TeamId NURSING_TEAM = new TeamId(UUID.fromString("00000000-0000-4000-8000-0000000000aa"));

    static final Reader GP_AT_PRACTICE = Reader.staff(GP, Role.GP, PRACTICE, Set.of());
    static final Reader OTHER_GP_AT_PRACTICE = Reader.staff(OTHER_GP, Role.GP, PRACTICE, Set.of());
    static final Reader SPECIALIST_AT_CLINIC = Reader.staff(SPECIALIST, Role.SPECIALIST, CLINIC, Set.of());
    static final Reader NURSE_IN_TEAM = Reader.staff(NURSE, Role.DISTRICT_NURSE, COMMUNITY, Set.of(NURSING_TEAM));
    static final Reader NURSE_NOT_IN_TEAM = Reader.staff(NURSE, Role.DISTRICT_NURSE, COMMUNITY, Set.of());
    static final Reader SOCIAL_WORKER_AT_COUNCIL = Reader.staff(SOCIAL_WORKER, Role.SOCIAL_WORKER, COUNCIL, Set.of());
    static final Reader PHARMACIST_AT_PHARMACY = Reader.staff(PHARMACIST, Role.PHARMACIST, PHARMACY, Set.of());
    static final Reader THE_PATIENT = Reader.patient(PATIENT_USER, PATIENT);
    static final Reader ANOTHER_PATIENT = Reader.patient(PATIENT_USER, OTHER_PATIENT);
    static final Reader IG_OFFICER = Reader.staff(IG, Role.IG_OFFICER, PRACTICE, Set.of());
    static final Reader ADMINISTRATOR = Reader.staff(IG, Role.ADMINISTRATOR, PRACTICE, Set.of());

    static final EntryId ENTRY = new EntryId(UUID.fromString("00000000-0000-4000-8000-0000000000e1"));
    static final GrantId GRANT = new GrantId(UUID.fromString("00000000-0000-4000-8000-0000000000b1"));
    static final EmergencyAccessId EMERGENCY = new EmergencyAccessId(UUID.fromString("00000000-0000-4000-8000-0000000000c1"));

    /** Entries: authored by GP at the practice, or by the specialist at the clinic. */
    static EntryFacts entry(Section section, Sensitivity sensitivity, boolean atPractice) {
        return new EntryFacts(ENTRY, 3, section, atPractice ? PRACTICE : CLINIC, atPractice ? GP : SPECIALIST,
                sensitivity, false);
    }

    static final EntryFacts PRACTICE_PROBLEM = entry(Section.PROBLEMS, Sensitivity.NORMAL, true);
    static final EntryFacts CLINIC_PROBLEM = entry(Section.PROBLEMS, Sensitivity.NORMAL, false);
    static final EntryFacts CLINIC_DEMOGRAPHICS = entry(Section.DEMOGRAPHICS, Sensitivity.NORMAL, false);
    static final EntryFacts PRACTICE_SAFEGUARDING = entry(Section.SAFEGUARDING, Sensitivity.NORMAL, true);
    static final EntryFacts PRACTICE_MEDICATION = entry(Section.MEDICATIONS, Sensitivity.NORMAL, true);
    static final EntryFacts PRACTICE_NURSING = entry(Section.COMMUNITY_NURSING, Sensitivity.NORMAL, true);
    static final EntryFacts PRIVATE_AT_PRACTICE = entry(Section.PROBLEMS, Sensitivity.PRIVATE, true);
    static final EntryFacts SEALED_AT_PRACTICE = entry(Section.PROBLEMS, Sensitivity.SEALED, true);
    static final EntryFacts WITHHELD_AT_PRACTICE = entry(Section.PROBLEMS, Sensitivity.WITHHELD_FROM_PATIENT, true);
    static final EntryFacts IN_ERROR_AT_PRACTICE = new EntryFacts(ENTRY, 2, Section.PROBLEMS, PRACTICE, GP,
            Sensitivity.NORMAL, true);

    // ---- sharing state, built up per row ----

    static PatientSharingState registered() {
        return new PatientSharingState(PATIENT, PRACTICE, "ev-registered", List.of(), Dissent.NONE, List.of(),
                List.of(), List.of());
    }

    static UnaryOperator<PatientSharingState> consent(OdsCode organisation, ConsentDirection direction,
                                                      ConsentDecision decision) {
        return s -> {
            List<Consent> consents = new ArrayList<>(s.consents());
            consents.add(new Consent(organisation, direction, decision,
                    "ev-" + direction + "-" + organisation + "-" + decision));
            return new PatientSharingState(s.patient(), s.registeredPractice(), s.registrationEvent(), consents,
                    s.dissent(), s.grants(), s.sealedGrants(), s.emergencies());
        };
    }

    static UnaryOperator<PatientSharingState> bothWays(OdsCode author, OdsCode reader) {
        return s -> consent(reader, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED)
                .apply(consent(author, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED).apply(s));
    }

    static final UnaryOperator<PatientSharingState> DISSENT = s -> new PatientSharingState(s.patient(),
            s.registeredPractice(), s.registrationEvent(), s.consents(), new Dissent(true, "ev-dissent"), s.grants(),
            s.sealedGrants(), s.emergencies());

    static UnaryOperator<PatientSharingState> grant(Grantee grantee, Set<Section> scope, Instant from, Instant until,
                                                    Instant revokedAt) {
        return s -> {
            List<Grant> grants = new ArrayList<>(s.grants());
            grants.add(new Grant(GRANT, grantee, GrantReason.REFERRAL, new GrantScope(scope), from, until, revokedAt,
                    "ev-grant"));
            return new PatientSharingState(s.patient(), s.registeredPractice(), s.registrationEvent(), s.consents(),
                    s.dissent(), grants, s.sealedGrants(), s.emergencies());
        };
    }

    static UnaryOperator<PatientSharingState> activeGrant(Grantee grantee, Set<Section> scope) {
        return grant(grantee, scope, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)), null);
    }

    static UnaryOperator<PatientSharingState> sealedGrant(Grantee grantee, Instant until) {
        return s -> {
            List<SealedGrant> sealed = new ArrayList<>(s.sealedGrants());
            sealed.add(new SealedGrant(GRANT, grantee, Set.of(ENTRY), NOW.minus(Duration.ofHours(1)), until, null,
                    "ev-unsealed"));
            return new PatientSharingState(s.patient(), s.registeredPractice(), s.registrationEvent(), s.consents(),
                    s.dissent(), s.grants(), sealed, s.emergencies());
        };
    }

    static UnaryOperator<PatientSharingState> emergency(UserId user, Instant declaredAt) {
        return s -> {
            List<Emergency> emergencies = new ArrayList<>(s.emergencies());
            emergencies.add(new Emergency(EMERGENCY, user, declaredAt, declaredAt.plus(Duration.ofHours(4)),
                    "ev-emergency"));
            return new PatientSharingState(s.patient(), s.registeredPractice(), s.registrationEvent(), s.consents(),
                    s.dissent(), s.grants(), s.sealedGrants(), emergencies);
        };
    }

    @SafeVarargs
    static PatientSharingState state(UnaryOperator<PatientSharingState>... changes) {
        PatientSharingState s = registered();
        for (UnaryOperator<PatientSharingState> change : changes) {
            s = change.apply(s);
        }
        return s;
    }

    static final Set<Section> ALL = Set.of(Section.values());

    /** What a row expects: refused, or a basis and the entry disclosed (withheld null) or withheld. */
    record Expect(Refused refused, Basis basis, Withheld withheld) {
        static Expect refused(Refused why) {
            return new Expect(why, null, null);
        }

        static Expect disclosed(Basis basis) {
            return new Expect(null, basis, null);
        }

        static Expect withheld(Basis basis, Withheld why) {
            return new Expect(null, basis, why);
        }
    }

    static Arguments row(String rule, Reader reader, PatientSharingState state, EntryFacts entry, Expect expect) {
        return Arguments.of(rule, reader, state, entry, false, expect);
    }

    static Arguments historyRow(String rule, Reader reader, PatientSharingState state, EntryFacts entry, Expect expect) {
        return Arguments.of(rule, reader, state, entry, true, expect);
    }

    static Stream<Arguments> rules() {
        Instant longAgo = NOW.minus(Duration.ofDays(30));
        return Stream.of(
                // the bases
                row("REGISTERED: a GP at the registered practice reads its own entries without sharing consent",
                        GP_AT_PRACTICE, state(), PRACTICE_PROBLEM, Expect.disclosed(Basis.REGISTERED)),
                row("no basis: a specialist with no grant and no emergency is refused",
                        SPECIALIST_AT_CLINIC, state(bothWays(PRACTICE, CLINIC)), PRACTICE_PROBLEM,
                        Expect.refused(Refused.NO_BASIS)),
                row("GRANT to the user", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), activeGrant(Grantee.user(SPECIALIST), ALL)),
                        PRACTICE_PROBLEM, Expect.disclosed(Basis.GRANT)),
                row("GRANT to the reader's team", NURSE_IN_TEAM,
                        state(bothWays(PRACTICE, COMMUNITY), activeGrant(Grantee.team(NURSING_TEAM), ALL)),
                        PRACTICE_NURSING, Expect.disclosed(Basis.GRANT)),
                row("GRANT to a team the reader is not in gives no basis", NURSE_NOT_IN_TEAM,
                        state(bothWays(PRACTICE, COMMUNITY), activeGrant(Grantee.team(NURSING_TEAM), ALL)),
                        PRACTICE_NURSING, Expect.refused(Refused.NO_BASIS)),
                row("GRANT to the reader's organisation", PHARMACIST_AT_PHARMACY,
                        state(bothWays(PRACTICE, PHARMACY), activeGrant(Grantee.organisation(PHARMACY), ALL)),
                        PRACTICE_MEDICATION, Expect.disclosed(Basis.GRANT)),
                row("an expired grant no longer counts", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), grant(Grantee.user(SPECIALIST), ALL, longAgo,
                                NOW.minus(Duration.ofMinutes(1)), null)),
                        PRACTICE_PROBLEM, Expect.refused(Refused.NO_BASIS)),
                row("a grant ends at its validUntil (exclusive)", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), grant(Grantee.user(SPECIALIST), ALL, longAgo, NOW, null)),
                        PRACTICE_PROBLEM, Expect.refused(Refused.NO_BASIS)),
                row("a grant not yet valid does not count", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), grant(Grantee.user(SPECIALIST), ALL,
                                NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(2)), null)),
                        PRACTICE_PROBLEM, Expect.refused(Refused.NO_BASIS)),
                row("a revoked grant no longer counts", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), grant(Grantee.user(SPECIALIST), ALL, longAgo,
                                NOW.plus(Duration.ofDays(1)), NOW.minus(Duration.ofMinutes(5)))),
                        PRACTICE_PROBLEM, Expect.refused(Refused.NO_BASIS)),
                row("EMERGENCY declared by the reader, within 4 hours", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), emergency(SPECIALIST, NOW.minus(Duration.ofHours(3)))),
                        PRACTICE_PROBLEM, Expect.disclosed(Basis.EMERGENCY)),
                row("an emergency ends after 4 hours", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), emergency(SPECIALIST, NOW.minus(Duration.ofHours(4)))),
                        PRACTICE_PROBLEM, Expect.refused(Refused.NO_BASIS)),
                row("another user's emergency is no basis", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), emergency(NURSE, NOW.minus(Duration.ofHours(1)))),
                        PRACTICE_PROBLEM, Expect.refused(Refused.NO_BASIS)),
                row("SELF: the patient reads their own record", THE_PATIENT, state(), PRACTICE_PROBLEM,
                        Expect.disclosed(Basis.SELF)),
                row("a patient reads only their own record", ANOTHER_PATIENT, state(), PRACTICE_PROBLEM,
                        Expect.refused(Refused.NOT_OWN_RECORD)),
                row("IG_OFFICER never sees clinical content, even at the registered practice", IG_OFFICER, state(),
                        PRACTICE_PROBLEM, Expect.refused(Refused.NO_CLINICAL_ACCESS)),
                row("ADMINISTRATOR never sees clinical content", ADMINISTRATOR, state(), PRACTICE_PROBLEM,
                        Expect.refused(Refused.NO_CLINICAL_ACCESS)),

                // consent to share
                row("cross-organisation: share-out of the author AND share-in of the reader granted", GP_AT_PRACTICE,
                        state(bothWays(CLINIC, PRACTICE)), CLINIC_PROBLEM, Expect.disclosed(Basis.REGISTERED)),
                row("cross-organisation: share-out not yet asked (UNKNOWN) withholds", GP_AT_PRACTICE,
                        state(consent(PRACTICE, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED)), CLINIC_PROBLEM,
                        Expect.withheld(Basis.REGISTERED, Withheld.NO_SHARE_OUT_CONSENT)),
                row("cross-organisation: share-in refused withholds", GP_AT_PRACTICE,
                        state(consent(CLINIC, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED),
                                consent(PRACTICE, ConsentDirection.SHARE_IN, ConsentDecision.REFUSED)), CLINIC_PROBLEM,
                        Expect.withheld(Basis.REGISTERED, Withheld.NO_SHARE_IN_CONSENT)),
                row("dissent makes every share-out REFUSED", GP_AT_PRACTICE,
                        state(bothWays(CLINIC, PRACTICE), DISSENT), CLINIC_PROBLEM,
                        Expect.withheld(Basis.REGISTERED, Withheld.NO_SHARE_OUT_CONSENT)),
                row("dissent does not touch entries of the reader's own organisation", GP_AT_PRACTICE,
                        state(DISSENT), PRACTICE_PROBLEM, Expect.disclosed(Basis.REGISTERED)),
                row("DEMOGRAPHICS need no sharing consent", GP_AT_PRACTICE, state(DISSENT), CLINIC_DEMOGRAPHICS,
                        Expect.disclosed(Basis.REGISTERED)),
                row("EMERGENCY treats UNKNOWN as GRANTED", SPECIALIST_AT_CLINIC,
                        state(emergency(SPECIALIST, NOW.minus(Duration.ofHours(1)))), PRACTICE_PROBLEM,
                        Expect.disclosed(Basis.EMERGENCY)),
                row("EMERGENCY never overrides a REFUSED share-out", SPECIALIST_AT_CLINIC,
                        state(consent(PRACTICE, ConsentDirection.SHARE_OUT, ConsentDecision.REFUSED),
                                emergency(SPECIALIST, NOW.minus(Duration.ofHours(1)))), PRACTICE_PROBLEM,
                        Expect.withheld(Basis.EMERGENCY, Withheld.NO_SHARE_OUT_CONSENT)),
                row("EMERGENCY never overrides a REFUSED share-in", SPECIALIST_AT_CLINIC,
                        state(consent(CLINIC, ConsentDirection.SHARE_IN, ConsentDecision.REFUSED),
                                emergency(SPECIALIST, NOW.minus(Duration.ofHours(1)))), PRACTICE_PROBLEM,
                        Expect.withheld(Basis.EMERGENCY, Withheld.NO_SHARE_IN_CONSENT)),
                row("EMERGENCY never overrides dissent", SPECIALIST_AT_CLINIC,
                        state(DISSENT, emergency(SPECIALIST, NOW.minus(Duration.ofHours(1)))), PRACTICE_PROBLEM,
                        Expect.withheld(Basis.EMERGENCY, Withheld.NO_SHARE_OUT_CONSENT)),

                // role views and grant scope narrow
                row("the role view: a social worker never reads MEDICATIONS", SOCIAL_WORKER_AT_COUNCIL,
                        state(bothWays(PRACTICE, COUNCIL), activeGrant(Grantee.user(SOCIAL_WORKER), ALL)),
                        PRACTICE_MEDICATION, Expect.withheld(Basis.GRANT, Withheld.ROLE_VIEW)),
                row("the role view: a pharmacist never reads SAFEGUARDING", PHARMACIST_AT_PHARMACY,
                        state(bothWays(PRACTICE, PHARMACY), activeGrant(Grantee.organisation(PHARMACY), ALL)),
                        PRACTICE_SAFEGUARDING, Expect.withheld(Basis.GRANT, Withheld.ROLE_VIEW)),
                row("a grant's scope narrows the role view", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), activeGrant(Grantee.user(SPECIALIST),
                                Set.of(Section.MEDICATIONS))), PRACTICE_PROBLEM,
                        Expect.withheld(Basis.GRANT, Withheld.OUT_OF_GRANT_SCOPE)),
                row("DEMOGRAPHICS are in every grant's scope", SPECIALIST_AT_CLINIC,
                        state(activeGrant(Grantee.user(SPECIALIST), Set.of(Section.MEDICATIONS))),
                        CLINIC_DEMOGRAPHICS, Expect.disclosed(Basis.GRANT)),

                // sensitivity
                row("PRIVATE: seen at the authoring organisation", OTHER_GP_AT_PRACTICE, state(),
                        PRIVATE_AT_PRACTICE, Expect.disclosed(Basis.REGISTERED)),
                row("PRIVATE: withheld elsewhere, consent notwithstanding", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), activeGrant(Grantee.user(SPECIALIST), ALL)),
                        PRIVATE_AT_PRACTICE, Expect.withheld(Basis.GRANT, Withheld.PRIVATE)),
                row("PRIVATE: withheld even in an emergency", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), emergency(SPECIALIST, NOW.minus(Duration.ofHours(1)))),
                        PRIVATE_AT_PRACTICE, Expect.withheld(Basis.EMERGENCY, Withheld.PRIVATE)),
                row("SEALED: its author sees it", GP_AT_PRACTICE, state(), SEALED_AT_PRACTICE,
                        Expect.disclosed(Basis.REGISTERED)),
                row("SEALED: a colleague at the same practice does not", OTHER_GP_AT_PRACTICE, state(),
                        SEALED_AT_PRACTICE, Expect.withheld(Basis.REGISTERED, Withheld.SEALED)),
                row("SEALED: a reader an active sealed-entry grant names sees it", OTHER_GP_AT_PRACTICE,
                        state(sealedGrant(Grantee.user(OTHER_GP), NOW.plus(Duration.ofDays(1)))), SEALED_AT_PRACTICE,
                        Expect.disclosed(Basis.REGISTERED)),
                row("SEALED: an expired sealed-entry grant unseals nothing", OTHER_GP_AT_PRACTICE,
                        state(sealedGrant(Grantee.user(OTHER_GP), NOW)), SEALED_AT_PRACTICE,
                        Expect.withheld(Basis.REGISTERED, Withheld.SEALED)),
                row("SEALED: an emergency unseals nothing", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), emergency(SPECIALIST, NOW.minus(Duration.ofHours(1)))),
                        SEALED_AT_PRACTICE, Expect.withheld(Basis.EMERGENCY, Withheld.SEALED)),
                row("SEALED: unsealing never widens the role view", SOCIAL_WORKER_AT_COUNCIL,
                        state(bothWays(PRACTICE, COUNCIL), activeGrant(Grantee.user(SOCIAL_WORKER), ALL),
                                sealedGrant(Grantee.user(SOCIAL_WORKER), NOW.plus(Duration.ofDays(1)))),
                        SEALED_AT_PRACTICE, Expect.withheld(Basis.GRANT, Withheld.ROLE_VIEW)),
                row("SEALED: unsealing never widens consent", SPECIALIST_AT_CLINIC,
                        state(activeGrant(Grantee.user(SPECIALIST), ALL),
                                sealedGrant(Grantee.user(SPECIALIST), NOW.plus(Duration.ofDays(1)))),
                        SEALED_AT_PRACTICE, Expect.withheld(Basis.GRANT, Withheld.NO_SHARE_OUT_CONSENT)),
                row("WITHHELD_FROM_PATIENT: clinicians see it as usual", GP_AT_PRACTICE, state(),
                        WITHHELD_AT_PRACTICE, Expect.disclosed(Basis.REGISTERED)),
                row("WITHHELD_FROM_PATIENT: hidden from the patient", THE_PATIENT, state(), WITHHELD_AT_PRACTICE,
                        Expect.withheld(Basis.SELF, Withheld.WITHHELD_FROM_PATIENT)),
                row("PRIVATE never restricts the patient", THE_PATIENT, state(), PRIVATE_AT_PRACTICE,
                        Expect.disclosed(Basis.SELF)),
                row("SEALED never restricts the patient", THE_PATIENT, state(DISSENT), SEALED_AT_PRACTICE,
                        Expect.disclosed(Basis.SELF)),

                // lifecycle
                row("entered in error: hidden from the current record", GP_AT_PRACTICE, state(),
                        IN_ERROR_AT_PRACTICE, Expect.withheld(Basis.REGISTERED, Withheld.ENTERED_IN_ERROR)),
                row("entered in error: hidden from the patient", THE_PATIENT, state(), IN_ERROR_AT_PRACTICE,
                        Expect.withheld(Basis.SELF, Withheld.ENTERED_IN_ERROR)),
                historyRow("entered in error: visible in the history at the authoring organisation", GP_AT_PRACTICE,
                        state(), IN_ERROR_AT_PRACTICE, Expect.disclosed(Basis.REGISTERED)),
                historyRow("entered in error: not in the history elsewhere", SPECIALIST_AT_CLINIC,
                        state(bothWays(PRACTICE, CLINIC), activeGrant(Grantee.user(SPECIALIST), ALL)),
                        IN_ERROR_AT_PRACTICE, Expect.withheld(Basis.GRANT, Withheld.ENTERED_IN_ERROR)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void rule(String rule, Reader reader, PatientSharingState state, EntryFacts entry, boolean history, Expect expect) {
        AccessDecision decision = history
                ? AccessPolicy.decideHistory(POLICY, reader, state, List.of(entry), NOW)
                : AccessPolicy.decide(POLICY, reader, state, List.of(entry), NOW);

        assertThat(decision.policyVersion()).isEqualTo(POLICY.version());
        if (expect.refused() != null) {
            assertThat(decision.refused()).as(rule).isEqualTo(expect.refused());
            assertThat(decision.basis()).isNull();
            assertThat(decision.entries()).as("a refused read decides no entry").isEmpty();
            return;
        }
        assertThat(decision.refused()).as(rule).isNull();
        assertThat(decision.basis()).as(rule).isEqualTo(expect.basis());
        assertThat(decision.entries()).hasSize(1);
        assertThat(decision.entries().get(0).withheld()).as(rule).isEqualTo(expect.withheld());
        assertThat(decision.entries().get(0).version()).isEqualTo(entry.version());
    }

    @Test
    void aGrantReadNamesItsGrantAndItsReceiptNamesTheEventsItReliedOn() {
        AccessDecision decision = AccessPolicy.decide(POLICY, SPECIALIST_AT_CLINIC,
                state(bothWays(PRACTICE, CLINIC), activeGrant(Grantee.user(SPECIALIST), ALL)),
                List.of(PRACTICE_PROBLEM), NOW);
        assertThat(decision.grant()).isEqualTo(GRANT);
        assertThat(decision.receipt()).containsExactlyInAnyOrder("ev-grant",
                "ev-SHARE_OUT-" + PRACTICE + "-GRANTED", "ev-SHARE_IN-" + CLINIC + "-GRANTED");
    }

    @Test
    void anEmergencyReadNamesItsEmergencyAndARefusedConsentInItsReceipt() {
        AccessDecision decision = AccessPolicy.decide(POLICY, SPECIALIST_AT_CLINIC,
                state(consent(PRACTICE, ConsentDirection.SHARE_OUT, ConsentDecision.REFUSED),
                        emergency(SPECIALIST, NOW.minus(Duration.ofHours(1)))), List.of(PRACTICE_PROBLEM), NOW);
        assertThat(decision.emergency()).isEqualTo(EMERGENCY);
        assertThat(decision.receipt()).contains("ev-emergency", "ev-SHARE_OUT-" + PRACTICE + "-REFUSED");
    }

    @Test
    void aRegisteredReadReliesOnTheRegistrationAndDissentShowsInTheReceipt() {
        AccessDecision decision = AccessPolicy.decide(POLICY, GP_AT_PRACTICE, state(DISSENT),
                List.of(PRACTICE_PROBLEM, CLINIC_PROBLEM), NOW);
        assertThat(decision.receipt()).contains("ev-registered", "ev-dissent");
        assertThat(decision.disclosed()).hasSize(1);
        assertThat(decision.withheldCount()).isEqualTo(1);
    }

    @Test
    void withheldEntriesAreCountedPerReasonAndDisclosedOnesNotAtAll() {
        AccessDecision decision = new AccessDecision(AccessDecision.Basis.GRANT, GRANT, null, null, List.of(
                new AccessDecision.EntryVerdict(PRACTICE_PROBLEM.entry(), 1, null),
                new AccessDecision.EntryVerdict(CLINIC_PROBLEM.entry(), 1, AccessDecision.Withheld.PRIVATE),
                new AccessDecision.EntryVerdict(new EntryId(UUID.randomUUID()), 2, AccessDecision.Withheld.PRIVATE),
                new AccessDecision.EntryVerdict(new EntryId(UUID.randomUUID()), 1, AccessDecision.Withheld.SEALED)),
                java.util.Set.of(), "1");
        assertThat(decision.withheldByReason()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                AccessDecision.Withheld.PRIVATE, 2, AccessDecision.Withheld.SEALED, 1));
        assertThat(decision.withheldCount()).isEqualTo(3);
    }

    private static UserId user(int n) {
        return new UserId(UUID.fromString(String.format("00000000-0000-4000-8000-%012d", n)));
    }
}
