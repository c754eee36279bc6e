package org.careledger.registers;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.directory.AssignRole;
import org.careledger.directory.EndRoleAssignment;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.careledger.storage.EmbeddedPostgresServer;
import org.careledger.storage.Fixtures;
import org.careledger.storage.LedgerDatabaseTest;
import org.careledger.storage.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ADR 34: sign-in answers are remembered, and forgotten whenever a role or registration may have ended. Changes are
 * made three ways: through the ledger (the projection's own forgetting, at commit, before the command returns), by
 * another session as another node would (only the table trigger's notification tells this node), and by the owner
 * with the triggers off for one transaction (nothing tells this node: proves the answer was remembered, not asked).
 */
class SignInDirectoryTest extends LedgerDatabaseTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    SignInDirectory directory;
    @Autowired
    SignInNotifications notifications;
    @Autowired
    EmbeddedPostgresServer postgres;

    private final OdsCode practice = OdsCode.of("S" + (10000 + (int) (Math.random() * 89999)));
    private UserId user;

    @BeforeEach
    void aGpAtAPractice() {
        commands.sendAndWait(Fixtures.gpPractice(practice, "Sign-in Test Surgery"));
        user = new UserId(UUID.randomUUID());
        commands.sendAndWait(new RegisterStaffMember(user, "Dr Sign In", Fixtures.ADMIN, Instant.now()));
        commands.sendAndWait(new AssignRole(user, Role.GP, practice, Fixtures.ADMIN, Instant.now()));
        awaitTrue(notifications::isRunning);
        awaitTrue(() -> directory.isListening());
    }

    @Test
    void aRememberedAnswerIsUsedUntilSomethingSaysItChanged() {
        assertThat(directory.holds(user, Role.GP, practice)).isTrue();
        // removed behind the directory's back (triggers off): nothing tells this node, so the answer stays remembered
        asOwner(true, "DELETE FROM role_assignment WHERE user_id = '" + user.value() + "'");
        assertThat(directory.holds(user, Role.GP, practice)).as("remembered, not asked").isTrue();

        // not listening: nothing is remembered, the database answers
        notifications.stop();
        try {
            assertThat(directory.isListening()).isFalse();
            assertThat(directory.holds(user, Role.GP, practice)).isFalse();
        } finally {
            notifications.start();
        }
        awaitTrue(() -> directory.isListening());
        assertThat(directory.holds(user, Role.GP, practice)).isFalse();
    }

    @Test
    void aRoleEndedThroughTheLedgerIsForgottenBeforeTheCommandReturns() {
        assertThat(directory.holds(user, Role.GP, practice)).isTrue();
        // with this node deaf to notifications, only the projection's forgetting at commit can refuse the next check
        notifications.stop();
        directory.listening(true); // remember, without hearing
        try {
            assertThat(directory.holds(user, Role.GP, practice)).isTrue();
            commands.sendAndWait(new EndRoleAssignment(user, Role.GP, practice, "left the practice", Fixtures.ADMIN,
                    Instant.now()));
            assertThat(directory.holds(user, Role.GP, practice)).isFalse();
        } finally {
            notifications.start();
        }
    }

    @Test
    void aRoleEndedByAnotherNodeIsForgottenWhenItsNotificationArrives() {
        assertThat(directory.holds(user, Role.GP, practice)).isTrue();
        asOwner(false, "DELETE FROM role_assignment WHERE user_id = '" + user.value() + "'");
        awaitTrue(() -> !directory.holds(user, Role.GP, practice));
    }

    @Test
    void aRolledBackChangeSendsNothingAndARegisteredPatientIsRememberedUntilDeleted() throws SQLException {
        NhsNumber patient = TestData.nhsNumber();
        commands.sendAndWait(Fixtures.registerPatient(patient, practice));
        assertThat(directory.patientRegistered(patient)).isTrue();
        try (Connection c = owner()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
                s.execute("DELETE FROM patient WHERE nhs_number = '" + patient.value() + "'");
            }
            c.rollback();
        }
        assertThat(directory.patientRegistered(patient)).isTrue();
        asOwner(false, "DELETE FROM patient WHERE nhs_number = '" + patient.value() + "'");
        awaitTrue(() -> !directory.patientRegistered(patient));
    }

    @Test
    void aNoAnswerIsNeverRemembered() {
        UserId other = new UserId(UUID.randomUUID());
        commands.sendAndWait(new RegisterStaffMember(other, "Dr Later", Fixtures.ADMIN, Instant.now()));
        assertThat(directory.holds(other, Role.GP, practice)).isFalse();
        commands.sendAndWait(new AssignRole(other, Role.GP, practice, Fixtures.ADMIN, Instant.now()));
        assertThat(directory.holds(other, Role.GP, practice)).isTrue();
    }

    /** As the owner, in one transaction; with the user triggers off for it alone when {@code quietly}. */
    private void asOwner(boolean quietly, String sql) {
        try (Connection c = owner()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (quietly) {
                    s.execute("SET LOCAL session_replication_role = replica");
                }
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection owner() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
    }

    /** Waits for a condition that a notification makes true (delivered asynchronously); fails after 10 s. */
    private static void awaitTrue(BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }
}
