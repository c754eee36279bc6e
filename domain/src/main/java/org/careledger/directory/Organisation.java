package org.careledger.directory;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.careledger.shared.Refusal.Kind.ALREADY_EXISTS;
import static org.careledger.shared.Refusal.Kind.INVALID_INPUT;
import static org.careledger.shared.Refusal.Kind.INVALID_ODS_CODE;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_ORGANISATION;
import static org.careledger.shared.Refusal.require;

/** An organisation of the region, by ODS code, and its teams. Kept by administrators. */
public class Organisation {

    static final int MAX_NAME = 200;

    @AggregateIdentifier
    private OdsCode organisation;
    private Set<UUID> teams = new HashSet<>();

    protected Organisation() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RegisterOrganisation command) {
        command.by().requireRole(Role.ADMINISTRATOR, "register organisations");
        require(organisation == null, ALREADY_EXISTS, "organisation " + command.organisation() + " is registered");
        Refusal.requireValue(command.type(), "organisation type");
        require(command.type().accepts(command.organisation()), INVALID_ODS_CODE,
                "ODS code " + command.organisation() + " is not of the shape issued to a " + command.type());
        apply(new OrganisationRegistered(command.organisation(), name(command.name()), command.type(), command.by(),
                command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(FormTeam command) {
        command.by().requireRole(Role.ADMINISTRATOR, "form teams");
        require(organisation != null, UNKNOWN_ORGANISATION, "organisation " + command.organisation() + " is not registered");
        Refusal.requireValue(command.team(), "team id");
        require(!teams.contains(command.team().value()), ALREADY_EXISTS, "team " + command.team() + " exists");
        apply(new TeamFormed(organisation, command.team(), name(command.name()), command.by(), command.at()));
    }

    @EventSourcingHandler
    void on(OrganisationRegistered event) {
        organisation = event.organisation();
    }

    @EventSourcingHandler
    void on(TeamFormed event) {
        teams.add(event.team().value());
    }

    static String name(String name) {
        require(name != null && !name.isBlank() && name.length() <= MAX_NAME, INVALID_INPUT,
                "a name is 1 to " + MAX_NAME + " characters");
        return name.strip();
    }
}
