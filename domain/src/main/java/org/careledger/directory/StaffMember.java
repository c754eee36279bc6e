package org.careledger.directory;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Registers;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.careledger.shared.Refusal.Kind.ALREADY_EXISTS;
import static org.careledger.shared.Refusal.Kind.CONFLICTING_STATE;
import static org.careledger.shared.Refusal.Kind.INVALID_INPUT;
import static org.careledger.shared.Refusal.Kind.NOT_PERMITTED;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_ORGANISATION;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_STAFF_MEMBER;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_TEAM;
import static org.careledger.shared.Refusal.require;

/** A member of staff: their role assignments (role at organisation) and team memberships. Kept by administrators. */
public class StaffMember {

    @AggregateIdentifier
    private UserId user;
    /** Active assignments as "ROLE@ODS". */
    private Set<String> assignments = new HashSet<>();
    /** Team memberships: team id to the team's organisation. */
    private Map<UUID, OdsCode> teams = new HashMap<>();

    protected StaffMember() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RegisterStaffMember command) {
        command.by().requireRole(Role.ADMINISTRATOR, "register staff");
        require(user == null, ALREADY_EXISTS, "staff member " + command.user() + " is registered");
        apply(new StaffMemberRegistered(command.user(), Organisation.name(command.displayName()), command.by(),
                command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(AssignRole command, Registers registers) {
        command.by().requireRole(Role.ADMINISTRATOR, "assign roles");
        requireRegistered();
        Refusal.requireValue(command.role(), "role");
        Refusal.requireValue(command.organisation(), "organisation");
        require(command.role().isStaff(), INVALID_INPUT, "PATIENT is not a staff role");
        require(registers.organisationType(command.organisation()).isPresent(), UNKNOWN_ORGANISATION,
                "organisation " + command.organisation() + " is not registered");
        require(!assignments.contains(key(command.role(), command.organisation())), ALREADY_EXISTS,
                "role already assigned at that organisation");
        apply(new RoleAssigned(user, command.role(), command.organisation(), command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(EndRoleAssignment command) {
        command.by().requireRole(Role.ADMINISTRATOR, "end role assignments");
        requireRegistered();
        require(assignments.contains(key(command.role(), command.organisation())), CONFLICTING_STATE,
                "no such active role assignment");
        String reason = Refusal.requireReason(command.reason(), "ending a role assignment");
        apply(new RoleAssignmentEnded(user, command.role(), command.organisation(), reason, command.by(), command.at()));
        // Without a role at an organisation a person is no longer in its teams (and no longer covered by grants to them).
        boolean roleRemainsThere = assignments.stream().anyMatch(a -> a.endsWith("@" + command.organisation().value()));
        if (!roleRemainsThere) {
            teams.entrySet().stream()
                    .filter(t -> t.getValue().equals(command.organisation()))
                    .map(t -> new TeamId(t.getKey()))
                    .sorted(java.util.Comparator.comparing(TeamId::value))
                    .toList()
                    .forEach(team -> apply(new TeamLeft(user, team, command.organisation(), command.by(), command.at())));
        }
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(JoinTeam command, Registers registers) {
        command.by().requireRole(Role.ADMINISTRATOR, "manage teams");
        requireRegistered();
        Refusal.requireValue(command.team(), "team id");
        OdsCode teamOrganisation = registers.teamOrganisation(command.team())
                .orElseThrow(() -> Refusal.of(UNKNOWN_TEAM, "team " + command.team() + " is not registered"));
        require(assignments.stream().anyMatch(a -> a.endsWith("@" + teamOrganisation.value())), NOT_PERMITTED,
                "a team member needs a role at the team's organisation");
        require(!teams.containsKey(command.team().value()), ALREADY_EXISTS, "already a member of that team");
        apply(new TeamJoined(user, command.team(), teamOrganisation, command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(LeaveTeam command) {
        command.by().requireRole(Role.ADMINISTRATOR, "manage teams");
        requireRegistered();
        OdsCode organisation = teams.get(Refusal.requireValue(command.team(), "team id").value());
        require(organisation != null, CONFLICTING_STATE, "not a member of that team");
        apply(new TeamLeft(user, command.team(), organisation, command.by(), command.at()));
    }

    @EventSourcingHandler
    void on(StaffMemberRegistered event) {
        user = event.user();
    }

    @EventSourcingHandler
    void on(RoleAssigned event) {
        assignments.add(key(event.role(), event.organisation()));
    }

    @EventSourcingHandler
    void on(RoleAssignmentEnded event) {
        assignments.remove(key(event.role(), event.organisation()));
    }

    @EventSourcingHandler
    void on(TeamJoined event) {
        teams.put(event.team().value(), event.organisation());
    }

    @EventSourcingHandler
    void on(TeamLeft event) {
        teams.remove(event.team().value());
    }

    private void requireRegistered() {
        require(user != null, UNKNOWN_STAFF_MEMBER, "staff member is not registered");
    }

    private static String key(Role role, OdsCode organisation) {
        return role + "@" + organisation.value();
    }
}
