package org.careledger.registers;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.careledger.directory.OrganisationRegistered;
import org.careledger.directory.RoleAssigned;
import org.careledger.directory.RoleAssignmentEnded;
import org.careledger.directory.StaffMemberRegistered;
import org.careledger.directory.TeamFormed;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegistrationTransferred;
import org.careledger.storage.BulkScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the registers tables in step with the ledger. It runs in a subscribing processor
 * ({@link RegistersConfiguration}): inside the command's unit of work and database transaction, so the register
 * and the events commit or roll back together. Writes are idempotent upserts, so a replay is harmless.
 * Logs name ids only.
 */
@Component
@ProcessingGroup(RegistersConfiguration.PROCESSING_GROUP)
public class RegistersProjection {

    private static final Logger log = LoggerFactory.getLogger(RegistersProjection.class);

    private final JdbcTemplate jdbc;
    private final SignInDirectory signIn;

    public RegistersProjection(JdbcTemplate jdbc, SignInDirectory signIn) {
        this.jdbc = jdbc;
        this.signIn = signIn;
    }

    @EventHandler
    void on(OrganisationRegistered event) {
        BulkScope.update(jdbc, """
                INSERT INTO organisation (ods_code, type, name) VALUES (?, ?, ?)
                ON CONFLICT (ods_code) DO UPDATE SET type = EXCLUDED.type, name = EXCLUDED.name""",
                event.organisation().value(), event.type().name(), event.name());
        log.debug("register: organisation {}", event.organisation());
    }

    @EventHandler
    void on(TeamFormed event) {
        BulkScope.update(jdbc, """
                INSERT INTO team (team_id, ods_code) VALUES (?, ?)
                ON CONFLICT (team_id) DO UPDATE SET ods_code = EXCLUDED.ods_code""",
                event.team().value(), event.organisation().value());
        log.debug("register: team {} of {}", event.team(), event.organisation());
    }

    @EventHandler
    void on(StaffMemberRegistered event) {
        BulkScope.update(jdbc, "INSERT INTO staff_member (user_id, display_name) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
                event.user().value(), event.displayName());
        log.debug("register: staff member {}", event.user());
    }

    @EventHandler
    void on(RoleAssigned event) {
        BulkScope.update(jdbc, """
                INSERT INTO role_assignment (user_id, role, ods_code) VALUES (?, ?, ?)
                ON CONFLICT (user_id, role, ods_code) DO NOTHING""",
                event.user().value(), event.role().name(), event.organisation().value());
        log.debug("register: {} assigned {} at {}", event.user(), event.role(), event.organisation());
    }

    @EventHandler
    void on(RoleAssignmentEnded event) {
        BulkScope.update(jdbc, "DELETE FROM role_assignment WHERE user_id = ? AND role = ? AND ods_code = ?",
                event.user().value(), event.role().name(), event.organisation().value());
        signIn.changedWhenCommitted();
        log.debug("register: {} no longer {} at {}", event.user(), event.role(), event.organisation());
    }

    @EventHandler
    void on(PatientRegistered event) {
        BulkScope.update(jdbc, """
                INSERT INTO patient (nhs_number, registered_practice) VALUES (?, ?)
                ON CONFLICT (nhs_number) DO UPDATE SET registered_practice = EXCLUDED.registered_practice""",
                event.patient().value(), event.registeredPractice().value());
        log.debug("register: patient registered at {}", event.registeredPractice());
    }

    @EventHandler
    void on(RegistrationTransferred event) {
        BulkScope.update(jdbc, """
                INSERT INTO patient (nhs_number, registered_practice) VALUES (?, ?)
                ON CONFLICT (nhs_number) DO UPDATE SET registered_practice = EXCLUDED.registered_practice""",
                event.patient().value(), event.toPractice().value());
        log.debug("register: registration transferred {} -> {}", event.fromPractice(), event.toPractice());
    }
}
