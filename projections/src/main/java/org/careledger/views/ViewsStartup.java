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
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.UUID;

/**
 * Start-up duties of the views, once the ledger is up and before any other start-up work writes to it (it runs as
 * the first {@link ApplicationRunner}, order {@link #ORDER}; the demo loader runs after it):
 * <ol>
 *     <li>a ledger with no {@code PolicyVersionActivated} gets the shipped default policy activated, by
 *     {@link #SYSTEM} (so every access decision can name a policy version recorded in the ledger, and the role views
 *     hold the sections that policy gives);</li>
 *     <li>views marked as behind the ledger ({@code view_build.needs_rebuild}: the views' migration found events,
 *     or a node stopped in the middle of a rebuild) are rebuilt before the application reports ready.</li>
 * </ol>
 * Either order of policy and data leaves complete views: the role views are computed from the entries and the
 * sections in force (ADR 27).
 * Several nodes starting at once are fine: the second activation is refused (ALREADY_EXISTS or a concurrency
 * conflict on the policy stream) and ignored.
 */
@Component
@Order(ViewsStartup.ORDER)
public class ViewsStartup implements ApplicationRunner {

    /** Runner order of the views' start-up duties: before every other start-up runner (the demo loader's is later). */
    public static final int ORDER = 0;

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

    @Override
    public void run(ApplicationArguments args) {
        onStart();
    }

    /** The start-up duties: activate the shipped policy on a new ledger, finish or redo a pending rebuild. */
    public void onStart() {
        long started = System.nanoTime();
        if (activateDefaultPolicyIfNone()) {
            log.info("start-up: shipped role policy activated in {} s", seconds(started));
        } else {
            log.info("start-up: role policy version {} already in force", policy.refresh().version());
        }
        long rebuildStarted = System.nanoTime();
        rebuild.rebuildIfNeeded(ViewRebuild.Progress.NONE).ifPresentOrElse(
                r -> log.info("start-up: views were behind the ledger: rebuilt from {} events in {} s", r.applied(),
                        seconds(rebuildStarted)),
                () -> log.info("start-up: views up to date with the ledger (no rebuild needed)"));
        policy.refresh();
    }

    private static String seconds(long sinceNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - sinceNanos) / 1e9);
    }

    /** Activates the shipped policy when the ledger holds no activation; true when it did. */
    public boolean activateDefaultPolicyIfNone() {
        if (policyActivated()) {
            return false;
        }
        try {
            commands.sendAndWait(new ActivatePolicyVersion(RolePolicy.defaultSource(), SYSTEM, clock.instant()));
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
