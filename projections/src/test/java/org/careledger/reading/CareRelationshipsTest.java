package org.careledger.reading;

import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantAccess;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.views.ViewsDatabaseTest;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Writes need a care relationship (ADR 8), end to end on real PostgreSQL: the {@link ViewCareRelationships} bean
 * resolves the basis from the views in the command's transaction, and a refused write stores nothing.
 */
class CareRelationshipsTest extends ViewsDatabaseTest {

    @Autowired
    ViewCareRelationships relationships;

    OdsCode practiceA;
    OdsCode practiceB;
    Actor gpA;
    Actor gpB;
    NhsNumber patient;

    @BeforeEach
    void region() {
        practiceA = organisation(OrganisationType.GP_PRACTICE);
        practiceB = organisation(OrganisationType.GP_PRACTICE);
        gpA = staff(Role.GP, practiceA);
        gpB = staff(Role.GP, practiceB);
        patient = patient(gpA);
    }

    @Test
    void aGpElsewhereWritesOnlyWhileAGrantCoversThem() {
        assertThat(relationships.basisOf(gpA, patient, clock.instant())).contains(Basis.REGISTERED);
        assertThat(relationships.basisOf(gpB, patient, clock.instant())).isEmpty();
        refusedAndNothingStored(() -> entry(patient, gpB, Section.CONSULTATIONS, Sensitivity.NORMAL));
        refusedAndNothingStored(() -> consent(patient, practiceB, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED,
                gpB));
        refusedAndNothingStored(() -> grant(patient, Grantee.user(gpB.user()), GrantScope.wholeRecord(),
                Duration.ofDays(1), gpB));

        GrantId referral = grant(patient, Grantee.organisation(practiceB), GrantScope.of(Section.CONSULTATIONS),
                Duration.ofDays(1), gpA);
        assertThat(relationships.basisOf(gpB, patient, clock.instant())).contains(Basis.GRANT);
        entry(patient, gpB, Section.CONSULTATIONS, Sensitivity.NORMAL);

        commands.sendAndWait(new RevokeAccessGrant(patient, referral, "episode over", gpA, clock.instant()));
        refusedAndNothingStored(() -> entry(patient, gpB, Section.CONSULTATIONS, Sensitivity.NORMAL));
    }

    @Test
    void anEmergencyLetsTheDeclarerWriteButNotHandOutAccess() {
        commands.sendAndWait(new DeclareEmergencyAccess(patient, new EmergencyAccessId(UUID.randomUUID()),
                "collapsed", gpB, clock.instant()));
        assertThat(relationships.basisOf(gpB, patient, clock.instant())).contains(Basis.EMERGENCY);
        entry(patient, gpB, Section.CONSULTATIONS, Sensitivity.NORMAL);
        refusedAndNothingStored(() -> grant(patient, Grantee.organisation(practiceB), GrantScope.wholeRecord(),
                Duration.ofDays(1), gpB));
        clock.advance(Duration.ofHours(5));
        refusedAndNothingStored(() -> entry(patient, gpB, Section.CONSULTATIONS, Sensitivity.NORMAL));
    }

    @Test
    void anOutOfHoursServiceOpensItsOwnEpisodeThenRecordsConsent() {
        OdsCode ooh = organisation(OrganisationType.OUT_OF_HOURS);
        Actor clinician = staff(Role.OOH_CLINICIAN, ooh);
        refusedAndNothingStored(() -> consent(patient, ooh, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED,
                clinician));
        commands.sendAndWait(new GrantAccess(patient, new GrantId(UUID.randomUUID()), Grantee.organisation(ooh),
                GrantReason.OUT_OF_HOURS_EPISODE, GrantScope.wholeRecord(), clock.instant(),
                clock.instant().plus(Duration.ofHours(12)), clinician, clock.instant()));
        consent(patient, ooh, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, clinician);
    }

    @Test
    void anUnknownPatientHasNoRelationshipWithAnyone() {
        assertThat(relationships.basisOf(gpA, org.careledger.storage.TestData.nhsNumber(), clock.instant())).isEmpty();
        assertThat(relationships.basisOf(Actor.patient(gpA.user()), patient, clock.instant())).isEmpty();
    }

    private void refusedAndNothingStored(ThrowingCallable write) {
        Long before = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        assertThatThrownBy(write).isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.NO_CARE_RELATIONSHIP));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class)).isEqualTo(before);
    }
}
