package org.careledger.policy;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The role policy in force: the policy of the latest {@link PolicyVersionActivated} in the ledger, as the views
 * processing group keeps it in table {@code view_policy} (same transaction as the event), cached in memory.
 * The cache switches only after the activation's transaction has committed ({@link #refreshAfterCommit}), so no
 * command runs under a policy whose activation could still roll back. Before the first activation of a new ledger
 * (which {@code ViewsStartup} sends at start-up) it is the shipped default.
 * <p>
 * Reads use {@link #inSnapshot()} instead: the policy row as their own database snapshot sees it, so the policy,
 * the role views and the sharing state of a read all come from one consistent snapshot.
 */
public class LedgerPolicy implements PolicyInForce {

    private static final Logger log = LoggerFactory.getLogger(LedgerPolicy.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate freshReadOnly;
    private final Map<String, RolePolicy> bySha = new ConcurrentHashMap<>();
    private volatile RolePolicy cached;

    public LedgerPolicy(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.freshReadOnly = new TransactionTemplate(transactions);
        this.freshReadOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.freshReadOnly.setReadOnly(true);
    }

    @Override
    public RolePolicy current() {
        RolePolicy policy = cached;
        if (policy != null) {
            return policy;
        }
        Optional<RolePolicy> stored = stored();
        stored.ifPresent(p -> cached = p);
        return stored.orElseGet(RolePolicy::defaultPolicy);
    }

    /** The policy in force as the caller's transaction sees it; the shipped default before any activation. */
    public RolePolicy inSnapshot() {
        return stored().orElseGet(RolePolicy::defaultPolicy);
    }

    /** The sha256 of the policy in force, for a read that sends it with its other statements: see inSnapshot(sha). */
    public static final String SHA_IN_FORCE = "SELECT sha256 FROM view_policy WHERE id = 1";

    /**
     * The policy in force as the caller's transaction sees it, given the sha256 that {@link #SHA_IN_FORCE} returned
     * in that transaction (null when no policy was activated yet: the shipped default). A policy seen before costs no
     * further query; another is read from its row, in the same transaction.
     */
    public RolePolicy inSnapshot(String sha) {
        if (sha == null) {
            return RolePolicy.defaultPolicy();
        }
        RolePolicy known = bySha.get(sha);
        return known != null ? known : inSnapshot();
    }

    /** Re-reads the policy in force from its table (in a transaction of its own) and switches the cache. */
    public RolePolicy refresh() {
        Optional<RolePolicy> stored = freshReadOnly.execute(status -> stored());
        if (stored != null && stored.isPresent()) {
            RolePolicy before = cached;
            cached = stored.get();
            if (before == null || !before.version().equals(cached.version())) {
                log.info("policy version {} in force", cached.version());
            }
            return cached;
        }
        return current();
    }

    /**
     * Called by the views handler of an activation: switch the cached policy once the transaction has committed
     * (never before: a rolled-back activation must not change what commands are checked against).
     */
    public void refreshAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    refresh();
                }
            });
        } else if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(u -> refresh());
        } else {
            refresh();
        }
    }

    private Optional<RolePolicy> stored() {
        return jdbc.query("SELECT sha256, source FROM view_policy WHERE id = 1",
                (rs, i) -> parse(rs.getString(1), rs.getString(2))).stream().findFirst();
    }

    private RolePolicy parse(String sha, String source) {
        return bySha.computeIfAbsent(sha, s -> {
            try {
                return RolePolicy.load(new StringReader(source));
            } catch (IOException e) {
                throw new IllegalStateException("stored policy " + s + " unreadable", e);
            }
        });
    }
}
