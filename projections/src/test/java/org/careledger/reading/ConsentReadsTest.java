package org.careledger.reading;

import org.careledger.storage.Owner;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.RecordView;
import org.careledger.consent.ConsentDecisionRecorded;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.DissentRecorded;
import org.careledger.consent.RecordDissent;
import org.careledger.shared.Actor;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.careledger.views.ViewsDatabaseTest;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Consent reads through their enforcement point on real PostgreSQL: what the patient gets back, the ConsentViewed
 * stored for every read (before the data leaves), the refusal of anyone else, and a read that cannot be audited.
 */
class ConsentReadsTest extends ViewsDatabaseTest {

    @Autowired
    ConsentReads consents;

    OdsCode practice;
    Actor gp;
    NhsNumber patient;
    Reader patientReader;

    @BeforeEach
    void region() {
        practice = organisation(OrganisationType.GP_PRACTICE);
        gp = staff(Role.GP, practice);
        patient = patient(gp);
        patientReader = Reader.patient(new UserId(UUID.randomUUID()), patient);
    }

    @Test
    void thePatientReadsTheirConsentAsItStandsWithNamesAndTheReadIsAudited() {
        consent(patient, practice, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gp);
        consent(patient, practice, ConsentDirection.SHARE_IN, ConsentDecision.REFUSED, gp);
        commands.sendAndWait(new RecordDissent(patient, ConsentMethod.VERBAL, gp, clock.instant()));

        ConsentReads.Current current = consents.current(patientReader, Channel.API);

        assertThat(current.patient()).isEqualTo(patient);
        assertThat(current.dissentInForce()).isTrue();
        assertThat(current.decisions()).containsExactly( // by organisation name, then direction
                new ConsentReads.Decision(practice, "Org " + practice, ConsentDirection.SHARE_IN,
                        ConsentDecision.REFUSED),
                new ConsentReads.Decision(practice, "Org " + practice, ConsentDirection.SHARE_OUT,
                        ConsentDecision.GRANTED));
        assertThat(viewsOf(patient)).singleElement().satisfies(viewed -> {
            assertThat(viewed.channel()).isEqualTo(Channel.API);
            assertThat(viewed.view()).isEqualTo(RecordView.CURRENT);
            assertThat(viewed.by()).isEqualTo(Actor.patient(patientReader.user()));
        });
    }

    @Test
    void theExportIsThePatientsConsentStreamFromTheLedgerAndIsAuditedAsAnExport() {
        consent(patient, practice, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gp);
        commands.sendAndWait(new RecordDissent(patient, ConsentMethod.WRITTEN, gp, clock.instant()));

        List<ConsentReads.Recorded> stream = consents.export(patientReader, Channel.FHIR_EXPORT);

        assertThat(stream).extracting(r -> r.event().getClass().getSimpleName())
                .containsExactly("ConsentDecisionRecorded", "DissentRecorded");
        assertThat(((ConsentDecisionRecorded) stream.get(0).event()).organisation()).isEqualTo(practice);
        assertThat(((DissentRecorded) stream.get(1).event()).method()).isEqualTo(ConsentMethod.WRITTEN);
        assertThat(stream).extracting(ConsentReads.Recorded::eventId).doesNotHaveDuplicates().doesNotContainNull();
        assertThat(viewsOf(patient)).singleElement().satisfies(viewed -> {
            assertThat(viewed.channel()).isEqualTo(Channel.FHIR_EXPORT);
            assertThat(viewed.view()).isEqualTo(RecordView.EXPORT);
        });
    }

    @Test
    void aPatientWithNoDecisionsReadsAnEmptyConsentAndIsStillAudited() {
        ConsentReads.Current current = consents.current(patientReader, Channel.WEB);

        assertThat(current.dissentInForce()).isFalse();
        assertThat(current.decisions()).isEmpty();
        assertThat(consents.export(patientReader, Channel.FHIR_EXPORT)).isEmpty();
        assertThat(viewsOf(patient)).extracting(ConsentViewed::view)
                .containsExactlyInAnyOrder(RecordView.CURRENT, RecordView.EXPORT);
    }

    @Test
    void staffAreRefusedBeforeAnythingIsReadOrAudited() {
        Reader staff = Reader.staff(gp.user(), gp.role(), gp.organisation(), Set.of());
        long viewed = storedEventsOfType("ConsentViewed");

        assertThatThrownBy(() -> consents.current(staff, Channel.API))
                .isInstanceOf(Refusal.class)
                .extracting(e -> ((Refusal) e).kind()).isEqualTo(Refusal.Kind.NOT_PERMITTED);
        assertThatThrownBy(() -> consents.export(staff, Channel.FHIR_EXPORT)).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> consents.current(null, Channel.API)).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> consents.current(patientReader, null)).isInstanceOf(Refusal.class);

        assertThat(storedEventsOfType("ConsentViewed")).isEqualTo(viewed);
    }

    @Test
    void whenConsentViewedCannotBeStoredTheReadFailsAndReturnsNothing() {
        consent(patient, practice, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gp);
        long viewed = storedEventsOfType("ConsentViewed");
        jdbc.execute("""
                CREATE FUNCTION test_refuse_consent_audit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit store down (test)'; END; $$""");
        Owner.of(jdbc).execute("""
                CREATE TRIGGER test_refuse_consent_audit BEFORE INSERT ON domain_event_entry FOR EACH ROW
                WHEN (NEW.payload_type LIKE '%ConsentViewed') EXECUTE FUNCTION test_refuse_consent_audit()""");
        try {
            assertNothingReturned(() -> consents.current(patientReader, Channel.API));
            assertNothingReturned(() -> consents.export(patientReader, Channel.FHIR_EXPORT));
        } finally {
            Owner.of(jdbc).execute("DROP TRIGGER test_refuse_consent_audit ON domain_event_entry");
            jdbc.execute("DROP FUNCTION test_refuse_consent_audit()");
        }
        assertThat(storedEventsOfType("ConsentViewed")).isEqualTo(viewed);
        assertThat(consents.current(patientReader, Channel.API).decisions()).hasSize(1);
    }

    private static void assertNothingReturned(Supplier<?> read) {
        Object[] result = new Object[1];
        assertThatThrownBy(() -> result[0] = read.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not be audited");
        assertThat(result[0]).isNull();
    }

    /** The ConsentViewed events stored for this patient. */
    private List<ConsentViewed> viewsOf(NhsNumber who) {
        return jdbc.query("""
                        SELECT payload, payload_type, payload_revision FROM domain_event_entry
                         WHERE payload_type = 'org.careledger.audit.ConsentViewed' ORDER BY global_index""",
                        (rs, i) -> (ConsentViewed) eventSerializer.deserialize(new SimpleSerializedObject<>(
                                rs.getBytes(1), byte[].class, rs.getString(2), rs.getString(3))))
                .stream().filter(v -> v.patient().equals(who)).toList();
    }
}
