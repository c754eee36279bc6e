package org.careledger.api.security;

import org.careledger.registers.SignInDirectory;
import org.careledger.registers.SignInDirectory.StaffSession;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Who can sign in to the development identity provider: every person the directory holds NOW, read from the
 * registers through {@link SignInDirectory} on each sign-in (so staff registered after start-up can sign in, and an
 * ended role cannot). A username names one session:
 * <ul>
 *     <li>{@code <role>@<ODS>} (e.g. {@code gp@Y01211}, {@code district-nurse@RCX}): the first person who holds that
 *     role at that organisation (in the order the roles were assigned), signed in in that role there. Roles are
 *     written in lower case with hyphens ({@code mental-health-practitioner}, {@code ig-officer});</li>
 *     <li>{@code <role>@<ODS>.<n>} (e.g. {@code gp@Y01211.2}): the n-th holder of that role there (n from 2);</li>
 *     <li>{@code <role>} alone (e.g. {@code pharmacist}): the first holder of that role anywhere;</li>
 *     <li>{@code <user id>} (a staff member's UUID): that person, in their only role; a person holding several
 *     is signed in in the first they were assigned, and the token says the role was not chosen
 *     ({@code select_role}: the web application then offers the choice and signs in again for the chosen one);
 *     {@code <user id>/<role>@<ODS>} names one of several;</li>
 *     <li>an NHS number: that patient, if registered; their user id is derived from the NHS number (an NHS login
 *     would issue its own).</li>
 * </ul>
 */
final class DevAccounts {

    /** Who a username signs in as: a staff session, or a patient. */
    sealed interface Account permits Staff, Patient {
    }

    /** A staff session; {@code named}: the username named the role and organisation (or there was only one). */
    record Staff(StaffSession session, boolean named) implements Account {
        Staff(StaffSession session) {
            this(session, true);
        }
    }

    record Patient(NhsNumber nhsNumber, UserId user) implements Account {
    }

    /** The username names nobody the directory holds now, or is ambiguous. The message holds ids only. */
    static final class NoSuchAccount extends RuntimeException {
        NoSuchAccount(String message) {
            super(message);
        }
    }

    private final SignInDirectory directory;

    DevAccounts(SignInDirectory directory) {
        this.directory = directory;
    }

    static String slug(Role role) {
        return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The session a username stands for, as the directory holds it now. */
    Account resolve(String username) {
        String u = username == null ? "" : username.strip();
        if (NhsNumber.isValid(u)) {
            NhsNumber patient = NhsNumber.of(u);
            if (!directory.patientRegistered(patient)) {
                throw new NoSuchAccount("no registered patient with that NHS number");
            }
            return new Patient(patient, patientUser(patient));
        }
        int slash = u.indexOf('/');
        Optional<UUID> user = uuid(slash < 0 ? u : u.substring(0, slash));
        if (user.isPresent()) {
            UserId id = new UserId(user.get());
            if (slash >= 0) {
                String[] chosen = roleAt(u.substring(slash + 1));
                return new Staff(directory.session(id, role(chosen[0]), ods(chosen[1]))
                        .orElseThrow(() -> new NoSuchAccount("staff member " + id + " holds no such role there")));
            }
            List<StaffSession> sessions = directory.sessionsOf(id);
            if (sessions.isEmpty()) {
                throw new NoSuchAccount("staff member " + id + " holds no role in the directory");
            }
            return new Staff(sessions.get(0), sessions.size() == 1);
        }
        if (u.indexOf('@') < 0) {
            return new Staff(directory.first(role(u)).orElseThrow(() -> new NoSuchAccount("nobody holds that role")));
        }
        String[] at = roleAt(u);
        String ods = at[1];
        int n = 1;
        int dot = ods.lastIndexOf('.');
        if (dot >= 0) {
            try {
                n = Integer.parseInt(ods.substring(dot + 1));
            } catch (NumberFormatException e) {
                throw new NoSuchAccount("no such user");
            }
            ods = ods.substring(0, dot);
        }
        return new Staff(directory.nth(role(at[0]), ods(ods), n)
                .orElseThrow(() -> new NoSuchAccount("nobody holds that role there")));
    }

    /** A patient's stable user id, derived from their NHS number (as an NHS login would give one per person). */
    static UserId patientUser(NhsNumber patient) {
        return new UserId(UUID.nameUUIDFromBytes(("careledger-dev-nhs-login:" + patient.value())
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static String[] roleAt(String value) {
        int at = value.indexOf('@');
        if (at < 0) {
            throw new NoSuchAccount("name the role as <role>@<ODS>");
        }
        return new String[]{value.substring(0, at), value.substring(at + 1)};
    }

    private static Role role(String slug) {
        try {
            Role role = Role.valueOf(slug.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            if (role == Role.PATIENT) {
                throw new NoSuchAccount("patients sign in with their NHS number");
            }
            return role;
        } catch (IllegalArgumentException e) {
            throw new NoSuchAccount("no such role");
        }
    }

    private static OdsCode ods(String value) {
        try {
            return OdsCode.of(value.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new NoSuchAccount("no such organisation code");
        }
    }

    private static Optional<UUID> uuid(String value) {
        if (value.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
