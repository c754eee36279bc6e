package org.careledger.views;

import org.careledger.shared.Role;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The tables of the sharing state and the role views (Flyway V10__views.sql), in the one order in which readers
 * lock them and the rebuild swaps them, and the advisory lock that gates writers during a swap.
 */
public final class ViewTables {

    /** Every table ViewRebuild rebuilds and swaps, in lock order. */
    public static final List<String> TABLES = List.of(
            "view_patient", "view_consent", "view_dissent", "view_grant", "view_emergency", "view_team",
            "view_team_member", "view_entry", "view_entry_history", "view_policy", "view_role_section",
            "view_role_entry");

    /** The partitioned role view. */
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

    /** The schema a rebuild writes into before the swap. */
    public static final String NEXT_SCHEMA = "views_next";

    private ViewTables() {
    }

    public static String partition(Role role) {
        return ROLE_VIEW + "_" + role.name().toLowerCase(Locale.ROOT);
    }

    /** {@code LOCK TABLE <all> IN <mode> MODE}: one statement, always the same order. */
    public static String lockAll(String mode) {
        return "LOCK TABLE " + String.join(", ", TABLES) + " IN " + mode + " MODE";
    }

    /**
     * The statements that make a fresh, empty copy of every view table in {@code schema}, defined like the live ones
     * (the role view partitioned by role). Rebuilds build into such a copy; the rebuild benchmark's baseline too.
     */
    public static List<String> createEmptyCopyIn(String schema) {
        List<String> ddl = new java.util.ArrayList<>();
        ddl.add("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        ddl.add("CREATE SCHEMA " + schema);
        for (String table : TABLES) {
            if (!table.equals(ROLE_VIEW)) {
                ddl.add("CREATE TABLE " + schema + "." + table + " (LIKE public." + table + " INCLUDING ALL)");
            }
        }
        String role = schema + "." + ROLE_VIEW;
        ddl.add("CREATE TABLE " + role + " (LIKE public." + ROLE_VIEW
                + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (role)");
        ddl.add("ALTER TABLE " + role + " ADD CONSTRAINT view_role_entry_pkey PRIMARY KEY (role, entry_id)");
        ddl.add("CREATE INDEX view_role_entry_patient_idx ON " + role + " (role, nhs_number)");
        for (Role r : ROLES_WITH_VIEW) {
            ddl.add("CREATE TABLE " + schema + "." + partition(r) + " PARTITION OF " + role
                    + " FOR VALUES IN ('" + r.name() + "')");
        }
        return ddl;
    }
}
