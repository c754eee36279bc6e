package org.careledger.registers;

import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may sign in, and in which role at which organisation, as the directory holds it NOW: the registers'
 * {@code role_assignment} and {@code patient} tables, kept in the commands' own transactions by
 * {@link RegistersProjection}. THE one place sign-in is checked against the directory:
 * <ul>
 *     <li>{@link #holds} and {@link #patientRegistered} run on every API request, so a role assignment ended (or
 *     every role at an organisation ended: the organisation left) refuses the next request made with a token issued
 *     before. Their "yes" answers are remembered (ADR 34) and forgotten, all at once, whenever either table loses or
 *     changes a row: on this node when the transaction that ended a role commits, before its command returns
 *     ({@link #changedWhenCommitted}); on every node when PostgreSQL delivers the notification that the tables'
 *     trigger sends at that commit ({@link SignInNotifications}). While a node is not listening for those
 *     notifications, it remembers nothing and asks the database every time;</li>
 *     <li>the development identity provider issues tokens only for what {@link #session}, {@link #nth},
 *     {@link #first} and {@link #sessionsOf} find here, so it knows staff registered after start-up and stops
 *     issuing a role once it has ended.</li>
 * </ul>
 */
@Component
public class SignInDirectory {

    /** A role a staff member holds at an organisation, and their display name. */
    public record StaffSession(UserId user, String name, Role role, OdsCode organisation) {
    }

    private static final String SESSIONS = """
            SELECT a.user_id, s.display_name, a.role, a.ods_code
              FROM role_assignment a LEFT JOIN staff_member s ON s.user_id = a.user_id""";
    private static final RowMapper<StaffSession> SESSION = (rs, i) -> new StaffSession(
            new UserId(rs.getObject(1, UUID.class)), rs.getString(2), Role.valueOf(rs.getString(3)),
            new OdsCode(rs.getString(4)));

    /** More remembered answers than this and they are all forgotten (a region has ~600 staff; patients sign in too). */
    static final int MOST_REMEMBERED = 100_000;

    private final JdbcTemplate jdbc;
    /** The sign-ins the directory was last seen to hold: {@code Held} staff roles and registered {@code NhsNumber}s. */
    private final Set<Object> held = ConcurrentHashMap.newKeySet();
    /** Bumped before every forgetting, so that an answer read before a change is never remembered after it. */
    private final AtomicLong changes = new AtomicLong();
    /** Whether this node hears every change ({@link SignInNotifications}); if not, nothing is remembered. */
    private volatile boolean listening;

    private record Held(UserId user, Role role, OdsCode organisation) {
    }

    public SignInDirectory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Does the directory still hold this role assignment for this staff member? */
    public boolean holds(UserId user, Role role, OdsCode organisation) {
        return remembered(new Held(user, role, organisation), () -> Boolean.TRUE.equals(jdbc.queryForObject("""
                        SELECT EXISTS (SELECT 1 FROM role_assignment WHERE user_id = ? AND role = ? AND ods_code = ?)""",
                Boolean.class, user.value(), role.name(), organisation.value())));
    }

    /** Is this NHS number a registered patient? */
    public boolean patientRegistered(NhsNumber patient) {
        return remembered(patient, () -> Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM patient WHERE nhs_number = ?)", Boolean.class, patient.value())));
    }

    /**
     * A remembered "yes", or the database's answer, remembered when it is "yes" and nothing changed while it was
     * read. Remembered first and checked after: a forgetting that ran between the read and the remembering bumped
     * {@link #changes} first, so the check sees it and takes the answer back.
     */
    private boolean remembered(Object signIn, java.util.function.BooleanSupplier database) {
        if (listening && held.contains(signIn)) {
            return true;
        }
        long before = changes.get();
        boolean yes = database.getAsBoolean();
        if (yes && listening) {
            if (held.size() >= MOST_REMEMBERED) {
                held.clear();
            }
            held.add(signIn);
            if (changes.get() != before || !listening) {
                held.remove(signIn);
            }
        }
        return yes;
    }

    /** Forgets every remembered answer (a role or registration may have ended). */
    void forget() {
        changes.incrementAndGet();
        held.clear();
    }

    boolean isListening() {
        return listening;
    }

    /** Whether remembered answers may be used: only while every change is heard ({@link SignInNotifications}). */
    void listening(boolean listening) {
        if (!listening) {
            this.listening = false;
        }
        forget();
        this.listening = listening;
    }

    /**
     * For a writer that ends a sign-in in the current transaction: forgets every remembered answer when it commits,
     * in the committing thread, so the command that ended a role returns only after this node has forgotten it (the
     * other nodes hear the table trigger's notification). Without a transaction, forgets at once.
     */
    public void changedWhenCommitted() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    forget();
                }
            });
        } else {
            forget();
        }
    }

    /** The session of this staff member in this role at this organisation, if they hold it. */
    public Optional<StaffSession> session(UserId user, Role role, OdsCode organisation) {
        return jdbc.query(SESSIONS + " WHERE a.user_id = ? AND a.role = ? AND a.ods_code = ?", SESSION,
                user.value(), role.name(), organisation.value()).stream().findFirst();
    }

    /** Every role this staff member holds, in the order they were assigned. */
    public List<StaffSession> sessionsOf(UserId user) {
        return jdbc.query(SESSIONS + " WHERE a.user_id = ? ORDER BY a.seq", SESSION, user.value());
    }

    /** The n-th (from 1) current holder of a role at an organisation, in the order the roles were assigned. */
    public Optional<StaffSession> nth(Role role, OdsCode organisation, int n) {
        if (n < 1) {
            return Optional.empty();
        }
        return jdbc.query(SESSIONS + " WHERE a.role = ? AND a.ods_code = ? ORDER BY a.seq OFFSET ? LIMIT 1", SESSION,
                role.name(), organisation.value(), n - 1).stream().findFirst();
    }

    /** The first current holder of a role anywhere in the region, in the order the roles were assigned. */
    public Optional<StaffSession> first(Role role) {
        return jdbc.query(SESSIONS + " WHERE a.role = ? ORDER BY a.seq LIMIT 1", SESSION, role.name())
                .stream().findFirst();
    }
}
