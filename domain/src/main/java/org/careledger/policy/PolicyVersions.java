package org.careledger.policy;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.careledger.shared.Refusal.Kind.ALREADY_EXISTS;
import static org.careledger.shared.Refusal.Kind.INVALID_INPUT;
import static org.careledger.shared.Refusal.Kind.NOT_PERMITTED;
import static org.careledger.shared.Refusal.require;

/**
 * The history of the region's role policy: which version was in force from when. Information governance (or an
 * administrator on their behalf) activates a version; a version number is used once.
 */
public class PolicyVersions {

    public static final String STREAM = "role-policy";

    @AggregateIdentifier
    private String stream;
    private Set<String> versions = new HashSet<>();

    protected PolicyVersions() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ActivatePolicyVersion command) {
        Role role = command.by().role();
        require(role == Role.IG_OFFICER || role == Role.ADMINISTRATOR, NOT_PERMITTED, role + " may not change the policy");
        String source = Refusal.requireValue(command.source(), "policy source");
        RolePolicy parsed;
        try {
            parsed = RolePolicy.load(new StringReader(source));
        } catch (IOException | RuntimeException e) {
            throw Refusal.of(INVALID_INPUT, "the policy file is not valid: " + e.getMessage());
        }
        require(!versions.contains(parsed.version()), ALREADY_EXISTS,
                "policy version " + parsed.version() + " was activated before; give the file a new version");
        apply(new PolicyVersionActivated(parsed.version(), sha256(source), source, command.by(), command.at()));
    }

    @EventSourcingHandler
    void on(PolicyVersionActivated event) {
        stream = STREAM;
        versions.add(event.version());
    }

    static String sha256(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
