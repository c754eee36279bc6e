package org.careledger.views;

import org.careledger.shared.Role;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The tables of the sharing state and the entries (Flyway V10__views.sql), in the one order in which readers lock
 * them and the rebuild swaps them, the role views computed from them (V80), and the advisory lock that gates writers
 * during a swap.
 */
public final class ViewTables {

    /** Every table ViewRebuild rebuilds and swaps, in lock order. */
    public static final List<String> TABLES = List.of(
            "view_patient", "view_consent", "view_dissent", "view_grant", "view_emergency", "view_team",
            "view_team_member", "view_entry", "view_entry_history", "view_policy", "view_role_section");

    /**
     * Every role's view (ADR 27): a database view of {@code view_entry} joined with {@code view_role_section}, the
     * entries of the sections each role reads under the policy in force; {@link #roleView} names one role's.
     */
    public static final String ROLE_VIEW = "view_role_entry";

    /** Roles with a view of their own: all but IG_OFFICER and ADMINISTRATOR, who read no clinical content. */
    public static final List<Role> ROLES_WITH_VIEW = Arrays.stream(Role.values())
            .filter(r -> r != Role.IG_OFFICER && r != Role.ADMINISTRATOR)
            .toList();

    /**
     * Key of the transaction-level advisory lock that view writers hold shared (every handler takes it before its
     * first write) and a swap holds exclusively, so writers never hold a view table while waiting for another.
     */
    public static final long WRITE_GATE = 0x436c5677L; // "ClVw"

    /** Takes the views write gate shared, for the rest of the transaction. */
    public static final String GATE_SHARED = "SELECT pg_advisory_xact_lock_shared(" + WRITE_GATE + ")";

    /** Marks, in Spring's transaction synchronisation, a transaction that holds the gate: see {@link #gateHeld}. */
    private static final Object GATE_HELD = new Object();

    /** The schema a rebuild writes into before the swap. */
    public static final String NEXT_SCHEMA = "views_next";

    private ViewTables() {
    }

    /** The view of one role's entries, {@code view_role_entry_<role>}. */
    public static String roleView(Role role) {
        return ROLE_VIEW + "_" + role.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Records that the current transaction has taken the views write gate shared ({@link #GATE_SHARED}), so its view
     * writers need not take it again. Only where a Spring transaction is synchronising; the mark goes with it.
     */
    public static void markGateHeld() {
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && !TransactionSynchronizationManager.hasResource(GATE_HELD)) {
            TransactionSynchronizationManager.bindResource(GATE_HELD, Boolean.TRUE);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(GATE_HELD);
                }
            });
        }
    }

    /** Whether the current transaction took the views write gate shared already ({@link #markGateHeld}). */
    public static boolean gateHeld() {
        return TransactionSynchronizationManager.hasResource(GATE_HELD);
    }

    /** {@code LOCK TABLE <all> IN <mode> MODE}: one statement, always the same order. */
    public static String lockAll(String mode) {
        return "LOCK TABLE " + String.join(", ", TABLES) + " IN " + mode + " MODE";
    }

    /**
     * The statements that make a fresh, empty copy of every view table in {@code schema}, defined like the live
     * ones. Rebuilds build into such a copy; the rebuild benchmark's baseline too.
     */
    public static List<String> createEmptyCopyIn(String schema) {
        List<String> ddl = new java.util.ArrayList<>();
        ddl.add("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        ddl.add("CREATE SCHEMA " + schema);
        for (String table : TABLES) {
            ddl.add("CREATE TABLE " + schema + "." + table + " (LIKE public." + table + " INCLUDING ALL)");
        }
        return ddl;
    }
}
