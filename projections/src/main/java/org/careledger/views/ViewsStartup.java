package org.careledger.views;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.policy.LedgerPolicy;
import org.careledger.policy.PolicyVersions;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.UUID;

/**
 * Start-up duties of the views, once the ledger is up:
 * <ol>
 *     <li>a ledger with no {@code PolicyVersionActivated} gets the shipped default policy activated, by
 *     {@link #SYSTEM} (so every access decision can name a policy version recorded in the ledger);</li>
 *     <li>a ledger that already held events when the views' migration ran (V10) has its views rebuilt.</li>
 * </ol>
 * Several nodes starting at once are fine: the second activation is refused (ALREADY_EXISTS or a concurrency
 * conflict on the policy stream) and ignored.
 */
@Component
public class ViewsStartup {

    /**
     * The system actor that activates the shipped policy on a new ledger: a fixed, well-known user id (no person)
     * in role ADMINISTRATOR at organisation {@code CLSYS} ("CareLedger system", not a real ODS code).
     */
    public static final Actor SYSTEM = Actor.staff(new UserId(UUID.fromString("00000000-0000-4000-8000-00000000c1ed")),
            Role.ADMINISTRATOR, OdsCode.of("CLSYS"));

    private static final Logger log = LoggerFactory.getLogger(ViewsStartup.class);

    private final JdbcTemplate jdbc;
    private final CommandGateway commands;
    private final Clock clock;
    private final ViewRebuild rebuild;
    private final LedgerPolicy policy;

    public ViewsStartup(JdbcTemplate jdbc, CommandGateway commands, Clock clock, ViewRebuild rebuild,
                        LedgerPolicy policy) {
        this.jdbc = jdbc;
        this.commands = commands;
        this.clock = clock;
        this.rebuild = rebuild;
        this.policy = policy;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        activateDefaultPolicyIfNone();
        if (Boolean.TRUE.equals(jdbc.queryForObject("SELECT needs_rebuild FROM view_build WHERE id = 1",
                Boolean.class))) {
            log.info("views predate part of the ledger: rebuilding");
            rebuild.rebuild(ViewRebuild.Progress.NONE);
        }
        policy.refresh();
    }

    /** Activates the shipped policy when the ledger holds no activation; true when it did. */
    public boolean activateDefaultPolicyIfNone() {
        if (policyActivated()) {
            return false;
        }
        try {
            commands.sendAndWait(new ActivatePolicyVersion(RolePolicy.defaultSource(), SYSTEM, clock.instant()));
            log.info("shipped role policy activated by the system actor");
            return true;
        } catch (Refusal e) {
            if (e.kind() != Refusal.Kind.ALREADY_EXISTS) {
                throw e;
            }
        } catch (RuntimeException e) {
            if (!policyActivated()) {
                throw e;
            }
        }
        return false;
    }

    private boolean policyActivated() {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM domain_event_entry WHERE aggregate_identifier = ?)", Boolean.class,
                PolicyVersions.STREAM));
    }
}
