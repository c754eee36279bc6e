package org.careledger.registers;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.record.TransferRegistration;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.storage.Fixtures;
import org.careledger.storage.LedgerDatabaseTest;
import org.careledger.storage.TestData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistersTest extends LedgerDatabaseTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    JdbcRegisters registers;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void registersFollowTheLedgerAndCommandsConsultThem() {
        OdsCode practice = OdsCode.of("A81001");
        OdsCode other = OdsCode.of("A81002");
        commands.sendAndWait(Fixtures.gpPractice(practice, "Test Surgery One"));
        commands.sendAndWait(Fixtures.gpPractice(other, "Test Surgery Two"));
        assertThat(registers.organisationType(practice)).contains(OrganisationType.GP_PRACTICE);

        NhsNumber patient = TestData.nhsNumber();
        assertThat(registers.patientRegistered(patient)).isFalse();
        commands.sendAndWait(Fixtures.registerPatient(patient, practice));
        assertThat(registers.patientRegistered(patient)).isTrue();
        assertThat(registers.registeredPractice(patient)).contains(practice);

        commands.sendAndWait(new TransferRegistration(patient, other, Fixtures.gpAt(other), Instant.now()));
        assertThat(registers.registeredPractice(patient)).contains(other);
    }

    @Test
    void aCommandNamingAnUnregisteredPracticeIsRefused() {
        NhsNumber patient = TestData.nhsNumber();
        assertThatThrownBy(() -> commands.sendAndWait(Fixtures.registerPatient(patient, OdsCode.of("Z99999"))))
                .isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.UNKNOWN_ORGANISATION));
        assertThat(eventsOf(patient.value())).isZero();
    }

    @Test
    void aFailingRegisterUpdateRollsBackTheEventsOfItsCommand() {
        OdsCode practice = OdsCode.of("B82001");
        assertThatThrownBy(() -> commands.sendAndWait(
                Fixtures.gpPractice(practice, FailingRegisterHandler.FAILING_NAME)))
                .hasMessageContaining("register update failed");
        assertThat(eventsOf(practice.value())).isZero();
        assertThat(registers.organisationType(practice)).isEmpty();

        // and the same command without the failure commits both
        commands.sendAndWait(Fixtures.gpPractice(practice, "Test Surgery Three"));
        assertThat(eventsOf(practice.value())).isEqualTo(1);
        assertThat(registers.organisationType(practice)).contains(OrganisationType.GP_PRACTICE);
    }

    private long eventsOf(String aggregate) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregate);
    }
}
