package org.careledger.api.directory;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.directory.AssignRole;
import org.careledger.directory.EndRoleAssignment;
import org.careledger.directory.FormTeam;
import org.careledger.directory.JoinTeam;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.reading.DirectoryReads;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** The directory, kept by administrators: organisations, teams, staff and their role assignments. */
@RestController
@RequestMapping("/api/directory")
@Tag(name = "directory", description = "Organisations, teams, staff and role assignments (administrators)")
class DirectoryController {

    private final Commands commands;
    private final DirectoryReads directory;

    DirectoryController(Commands commands, DirectoryReads directory) {
        this.commands = commands;
        this.directory = directory;
    }

    record Organisation(@NotBlank String ods, @NotBlank @Size(max = 255) String name, @NotNull OrganisationType type) {
    }

    record Team(@NotBlank @Size(max = 255) String name) {
    }

    record Staff(String user, @NotBlank @Size(max = 255) String displayName) {
    }

    record Assignment(@NotNull Role role, @NotBlank String organisation) {
    }

    record Ending(@NotNull Role role, @NotBlank String organisation, @NotBlank @Size(max = 2000) String reason) {
    }

    record Membership(@NotBlank String team) {
    }

    record Created(String id) {
    }

    @GetMapping("/organisations")
    @Operation(summary = "Every registered organisation")
    List<Organisation> organisations() {
        return directory.organisations().stream()
                .map(o -> new Organisation(o.ods().value(), o.name(), o.type()))
                .toList();
    }

    @PostMapping("/organisations")
    @Operation(summary = "Register an organisation")
    ResponseEntity<Created> organisation(@AuthenticationPrincipal SignedInUser user,
                                         @Valid @RequestBody Organisation body) {
        OdsCode ods = OdsCode.of(body.ods());
        commands.send(new RegisterOrganisation(ods, body.name(), body.type(), user.actor(), commands.now()));
        return ResponseEntity.created(URI.create("/api/directory/organisations/" + ods)).body(new Created(ods.value()));
    }

    @PostMapping("/organisations/{ods}/teams")
    @Operation(summary = "Form a team within an organisation")
    ResponseEntity<Created> team(@AuthenticationPrincipal SignedInUser user, @PathVariable String ods,
                                 @Valid @RequestBody Team body) {
        TeamId team = new TeamId(UUID.randomUUID());
        commands.send(new FormTeam(OdsCode.of(ods), team, body.name(), user.actor(), commands.now()));
        return ResponseEntity.status(201).body(new Created(team.toString()));
    }

    @PostMapping("/staff")
    @Operation(summary = "Register a member of staff under their identity provider's user id (new if not given)")
    ResponseEntity<Created> staff(@AuthenticationPrincipal SignedInUser user, @Valid @RequestBody Staff body) {
        UserId staff = body.user() == null ? new UserId(UUID.randomUUID()) : UserId.of(body.user());
        commands.send(new RegisterStaffMember(staff, body.displayName(), user.actor(), commands.now()));
        return ResponseEntity.status(201).body(new Created(staff.toString()));
    }

    @PostMapping("/staff/{user}/roles")
    @Operation(summary = "Let a staff member act in a role at an organisation")
    ResponseEntity<Void> assign(@AuthenticationPrincipal SignedInUser user, @PathVariable("user") String staff,
                                @Valid @RequestBody Assignment body) {
        commands.send(new AssignRole(UserId.of(staff), body.role(), OdsCode.of(body.organisation()), user.actor(),
                commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/staff/{user}/roles/ended")
    @Operation(summary = "End a staff member's role at an organisation, with a reason")
    ResponseEntity<Void> end(@AuthenticationPrincipal SignedInUser user, @PathVariable("user") String staff,
                             @Valid @RequestBody Ending body) {
        commands.send(new EndRoleAssignment(UserId.of(staff), body.role(), OdsCode.of(body.organisation()),
                body.reason(), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/staff/{user}/teams")
    @Operation(summary = "Add a staff member to a team of an organisation they hold a role at")
    ResponseEntity<Void> join(@AuthenticationPrincipal SignedInUser user, @PathVariable("user") String staff,
                              @Valid @RequestBody Membership body) {
        commands.send(new JoinTeam(UserId.of(staff), TeamId.of(body.team()), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }
}
