package org.careledger.bulk;

import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantAccess;
import org.careledger.access.GrantScope;
import org.careledger.access.GrantSealedEntryAccess;
import org.careledger.access.Grantee;
import org.careledger.access.PatientSharingState;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.reading.SharingStates;
import org.careledger.record.Address;
import org.careledger.record.AmendEntry;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.MarkEntryEnteredInError;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.record.TransferRegistration;
import org.careledger.record.UpdateDemographics;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.GrantReason;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.TeamId;
import org.careledger.storage.TestData;
import org.careledger.views.ViewRebuild;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bulk write path against the command path on real PostgreSQL: the same commands give the same stored events,
 * the views the one-event-at-a-time handlers would build, each patient all or nothing, nothing twice.
 */
class BulkWriterTest extends ViewsDatabaseTest {

    @Autowired
    BulkWriter bulk;
    @Autowired
    SharingStates sharingStates;

    private OdsCode practiceA;
    private OdsCode practiceB;
    private OdsCode community;
    private OdsCode council;
    private Actor gpA;
    private Actor gpB;
    private Actor nurse;
    private Actor socialWorker;
    private TeamId nursing;

    @BeforeEach
    void directory() {
        practiceA = organisation(OrganisationType.GP_PRACTICE);
        practiceB = organisation(OrganisationType.GP_PRACTICE);
        community = organisation(OrganisationType.COMMUNITY_HEALTH);
        council = organisation(OrganisationType.SOCIAL_CARE);
        gpA = staff(Role.GP, practiceA);
        gpB = staff(Role.GP, practiceB);
        nurse = staff(Role.DISTRICT_NURSE, community);
        socialWorker = staff(Role.SOCIAL_WORKER, council);
        nursing = team(community);
        join(nurse, nursing);
    }

    /** Every kind of patient command, in an order the aggregates accept; ids from {@code random}. */
    private List<Command> lifeOf(NhsNumber patient, Random random) {
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        List<Command> out = new ArrayList<>();
        out.add(new RegisterPatient(patient, new Demographics("Test", "Bulk", LocalDate.of(1970, 1, 1),
                Demographics.Gender.UNKNOWN, new Address("1 Test Street", null, "Testtown", "ZZ99 9ZZ")),
                practiceA, gpA, t));
        out.add(new UpdateDemographics(patient, new Demographics("Test", "Moved", LocalDate.of(1970, 1, 1),
                Demographics.Gender.UNKNOWN, new Address("2 Test Road", null, "Testtown", "ZZ99 9ZY")), gpA, t));
        EntryId note = id(random);
        out.add(new RecordEntry(patient, note, Section.CONSULTATIONS, EntryContent.text("v1", LocalDate.of(2026, 1, 2)),
                Sensitivity.NORMAL, gpA, t));
        out.add(new AmendEntry(patient, note, EntryContent.text("v2", LocalDate.of(2026, 2, 1)), "more", gpA, t));
        out.add(new AmendEntry(patient, note, EntryContent.text("v3", LocalDate.of(2026, 2, 2)), "more", gpA, t));
        EntryId wrong = id(random);
        out.add(new RecordEntry(patient, wrong, Section.SAFEGUARDING, EntryContent.text("w", LocalDate.of(2026, 1, 3)),
                Sensitivity.NORMAL, gpA, t));
        out.add(new AmendEntry(patient, wrong, EntryContent.text("w2", LocalDate.of(2026, 1, 4)), "typo", gpA, t));
        out.add(new MarkEntryEnteredInError(patient, wrong, "wrong", gpA, t));
        EntryId sealed = id(random);
        out.add(new RecordEntry(patient, sealed, Section.MENTAL_HEALTH, EntryContent.text("s", LocalDate.of(2026, 1, 5)),
                Sensitivity.NORMAL, gpA, t));
        out.add(new ChangeEntrySensitivity(patient, sealed, Sensitivity.SEALED, "sensitive", gpA, t));
        out.add(new GrantAccess(patient, grant(random), Grantee.team(nursing), GrantReason.REFERRAL,
                GrantScope.wholeRecord(), t, t.plus(Duration.ofDays(30)), gpA, t));
        out.add(new GrantAccess(patient, grant(random), Grantee.organisation(council), GrantReason.REFERRAL,
                GrantScope.of(Section.CARE_PLANS, Section.SOCIAL_CARE), t, t.plus(Duration.ofDays(30)), gpA, t));
        GrantId revoked = grant(random);
        out.add(new GrantAccess(patient, revoked, Grantee.user(gpB.user()), GrantReason.REFERRAL,
                GrantScope.of(Section.CONSULTATIONS), t, t.plus(Duration.ofDays(3)), gpA, t));
        out.add(new RecordEntry(patient, id(random), Section.CARE_PLANS, EntryContent.text("c", LocalDate.of(2026, 1, 6)),
                Sensitivity.WITHHELD_FROM_PATIENT, gpB, t));
        out.add(new RecordEntry(patient, id(random), Section.COMMUNITY_NURSING,
                EntryContent.text("n", LocalDate.of(2026, 1, 7)), Sensitivity.NORMAL, nurse, t));
        out.add(new RecordEntry(patient, id(random), Section.SOCIAL_CARE, EntryContent.text("sc", LocalDate.of(2026, 1, 8)),
                Sensitivity.PRIVATE, socialWorker, t));
        out.add(new RecordConsentDecision(patient, practiceA, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED,
                ConsentMethod.VERBAL, gpA, t));
        out.add(new RecordConsentDecision(patient, practiceB, ConsentDirection.SHARE_IN, ConsentDecision.REFUSED,
                ConsentMethod.VERBAL, gpA, t));
        out.add(new RecordConsentDecision(patient, practiceB, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED,
                ConsentMethod.VERBAL, gpA, t));
        out.add(new RecordDissent(patient, ConsentMethod.VERBAL, gpA, t));
        out.add(new WithdrawDissent(patient, ConsentMethod.VERBAL, gpA, t));
        out.add(new RevokeAccessGrant(patient, revoked, "done", gpA, t));
        out.add(new GrantSealedEntryAccess(patient, grant(random), Grantee.user(gpB.user()), List.of(sealed),
                "second opinion", t, t.plus(Duration.ofDays(1)), gpA, t));
        out.add(new DeclareEmergencyAccess(patient, new EmergencyAccessId(new UUID(random.nextLong(), random.nextLong())),
                "collapse", gpB, t));
        out.add(new TransferRegistration(patient, practiceB, gpB, t));
        return out;
    }

    private static EntryId id(Random random) {
        return new EntryId(new UUID(random.nextLong(), random.nextLong()));
    }

    private static GrantId grant(Random random) {
        return new GrantId(new UUID(random.nextLong(), random.nextLong()));
    }

    @Test
    void theBulkPathStoresWhatTheCommandPathStoresAndTheViewsARebuildWouldGive() {
        NhsNumber byCommands = TestData.nhsNumber();
        for (Command command : lifeOf(byCommands, new Random(1))) {
            commands.sendAndWait(command);
        }
        NhsNumber inBulk = TestData.nhsNumber();
        NhsNumber alsoInBulk = TestData.nhsNumber();
        List<BulkWriter.Outcome> outcomes = bulk.write(List.of(
                new BulkWriter.PatientCommands("first", inBulk, lifeOf(inBulk, new Random(2))),
                new BulkWriter.PatientCommands("second", alsoInBulk, lifeOf(alsoInBulk, new Random(3)))));

        assertThat(outcomes).extracting(BulkWriter.Outcome::written).containsExactly(true, true);
        assertThat(outcomes.get(0).events()).isEqualTo(25);
        assertThat(storedShape(inBulk)).isEqualTo(storedShape(byCommands));
        assertThat(storedShape(alsoInBulk)).isEqualTo(storedShape(byCommands));

        // the views written in batches are the ones the handlers give one event at a time from the stored ledger
        viewRebuild.buildNextOnly(ViewRebuild.Progress.NONE);
        assertNextEqualsLive();
        // the fold that decided the bulk commands' care relationships agrees with the views
        PatientSharingState fromViews = sharingStates.load(inBulk).state();
        assertThat(fromViews.registeredPractice()).isEqualTo(practiceB);
        assertThat(count("view_entry WHERE nhs_number = '" + inBulk.value() + "'"))
                .isEqualTo(count("view_entry WHERE nhs_number = '" + byCommands.value() + "'"));
        assertThat(count("audit_entry WHERE patient = '" + inBulk.value() + "'")).isEqualTo(6);
        assertThat(count("ig_alert WHERE patient = '" + inBulk.value() + "' AND kind = 'EMERGENCY_ACCESS'"))
                .isEqualTo(1);
    }

    /**
     * Each stored event of a patient's three streams in order, as stored: stream, sequence, aggregate type, payload
     * type and revision, metadata keys, and the payload with the patient's number and the ids made neutral.
     */
    private List<String> storedShape(NhsNumber patient) {
        String nhs = patient.value();
        return jdbc.query("""
                SELECT aggregate_identifier, sequence_number, type, payload_type, payload_revision, payload, meta_data
                FROM domain_event_entry WHERE aggregate_identifier IN (?, ?, ?)
                ORDER BY aggregate_identifier, sequence_number""", (rs, i) -> String.join(" | ",
                rs.getString(1).replace(nhs, "N"), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                new String(rs.getBytes(6), StandardCharsets.UTF_8).replace(nhs, "N")
                        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID"),
                metadataKeys(rs.getBytes(7))), nhs, "consent:" + nhs, "access:" + nhs);
    }

    private static String metadataKeys(byte[] metadata) {
        return new String(metadata, StandardCharsets.UTF_8).replaceAll("\"[^\"]*\"\\s*:\\s*\"[^\"]*\"", "K")
                + " " + new String(metadata, StandardCharsets.UTF_8).replaceAll(":\\s*\"[^\"]*\"", ":V");
    }

    @Test
    void aRefusedPatientLeavesNothingAndTheOthersAreWrittenOnceOnly() {
        NhsNumber first = TestData.nhsNumber();
        NhsNumber refused = TestData.nhsNumber();
        NhsNumber third = TestData.nhsNumber();
        List<Command> bad = new ArrayList<>(lifeOf(refused, new Random(5)).subList(0, 3));
        // a GP of another practice, with no grant: no care relationship, so the whole patient is refused
        bad.add(new RecordEntry(refused, new EntryId(UUID.randomUUID()), Section.CONSULTATIONS,
                EntryContent.text("x", LocalDate.of(2026, 1, 2)), Sensitivity.NORMAL, gpB,
                Instant.parse("2026-03-02T10:00:00Z")));
        List<BulkWriter.PatientCommands> batch = List.of(
                new BulkWriter.PatientCommands("f1#Patient/a", first, lifeOf(first, new Random(6))),
                new BulkWriter.PatientCommands("f2#Patient/b", refused, bad),
                new BulkWriter.PatientCommands("f3#Patient/c", third, lifeOf(third, new Random(7))));

        List<BulkWriter.Outcome> outcomes = bulk.write(batch);

        assertThat(outcomes).extracting(BulkWriter.Outcome::written).containsExactly(true, false, true);
        assertThat(outcomes.get(1).refusedCommand()).isEqualTo(3);
        assertThat(outcomes.get(1).reason()).startsWith(Refusal.Kind.NO_CARE_RELATIONSHIP.name());
        assertThat(outcomes.get(1).key()).isEqualTo("f2#Patient/b");
        assertThat(eventsOf(refused)).isZero();
        assertThat(count("view_patient WHERE nhs_number = '" + refused.value() + "'")).isZero();
        assertThat(eventsOf(first)).isEqualTo(25);

        long before = count("domain_event_entry");
        List<BulkWriter.Outcome> again = bulk.write(batch.subList(0, 1));
        assertThat(again.get(0).written()).isFalse();
        assertThat(again.get(0).reason()).startsWith(Refusal.Kind.ALREADY_EXISTS.name());
        assertThat(count("domain_event_entry")).isEqualTo(before);
    }

    @Test
    void aConcurrentReaderSeesEachPatientWhollyOrNotAtAll() throws Exception {
        List<BulkWriter.PatientCommands> batch = new ArrayList<>();
        Set<String> numbers = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 40; i++) {
            NhsNumber patient = TestData.nhsNumber();
            numbers.add(patient.value());
            batch.add(new BulkWriter.PatientCommands("p" + i, patient, lifeOf(patient, new Random(100 + i))));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Map<Long, Long> seen = new ConcurrentHashMap<>();
        Thread reader = new Thread(() -> {
            String[] ids = numbers.toArray(String[]::new);
            while (writing.get()) {
                for (Map<String, Object> row : jdbc.queryForList("""
                        SELECT nhs_number, count(*) AS n FROM view_entry WHERE nhs_number = ANY(?) GROUP BY nhs_number""",
                        (Object) ids)) {
                    long n = ((Number) row.get("n")).longValue();
                    seen.merge(n, 1L, Long::sum);
                }
            }
        });
        reader.start();
        List<BulkWriter.Outcome> outcomes;
        try {
            outcomes = bulk.write(batch);
        } finally {
            writing.set(false);
            reader.join();
        }
        assertThat(outcomes).allMatch(BulkWriter.Outcome::written);
        // six entries per patient: a reader saw none of a patient (the key is absent) or all six, never part
        assertThat(seen.keySet()).allMatch(n -> n == 6);
        assertThat(count("view_entry WHERE nhs_number = ANY('{" + String.join(",", numbers) + "}')"))
                .isEqualTo(40 * 6);
    }

    private long eventsOf(NhsNumber patient) {
        String nhs = patient.value();
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier IN (?, ?, ?)",
                Long.class, nhs, "consent:" + nhs, "access:" + nhs);
    }
}
