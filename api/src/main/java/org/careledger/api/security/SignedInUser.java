package org.careledger.api.security;

import org.careledger.access.Reader;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.springframework.security.oauth2.jwt.Jwt;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Who is signed in, as their token says. THE one place where token claims become CareLedger's {@link Actor} (who
 * writes) and {@link Reader} (who reads).
 * <p>
 * Claims, modelled on the NHS Care Identity Service (CIS2) for staff and on NHS login for patients:
 * <table>
 *     <tr><th>claim</th><th>staff</th><th>patient</th></tr>
 *     <tr><td>{@code sub}</td><td>the user id, a UUID (the stable id the directory knows them by)</td>
 *         <td>a UUID</td></tr>
 *     <tr><td>{@code name}</td><td>display name</td><td>optional</td></tr>
 *     <tr><td>{@code role}</td><td>the role selected for this session: a {@link Role} name
 *         ({@code GP}, {@code DISTRICT_NURSE}, ...)</td><td>absent or {@code PATIENT}</td></tr>
 *     <tr><td>{@code ods}</td><td>ODS code of the organisation of this session</td><td>absent</td></tr>
 *     <tr><td>{@code nhs_number}</td><td>absent</td><td>the NHS number the sign-in vouches for</td></tr>
 * </table>
 * A token with {@code nhs_number} is a patient's; otherwise it is staff and needs {@code role} and {@code ods}.
 * Anything else (a missing or unknown role, an invalid ODS code or NHS number, a non-UUID subject) makes the token
 * unusable: the request is answered 401, as for a bad signature. A real CIS2 deployment sends national RBAC role
 * codes; translating them to {@link Role} belongs here too, and nowhere else.
 */
public record SignedInUser(UserId user, String name, Role role, OdsCode organisation, NhsNumber nhsNumber) {

    public static final String NAME = "name";
    public static final String ROLE = "role";
    public static final String ODS = "ods";
    public static final String NHS_NUMBER = "nhs_number";

    public SignedInUser {
        // Actor and Reader check the same rules; building them here refuses an inconsistent user early
        new Actor(user, role, role == Role.PATIENT ? null : organisation);
        if (role == Role.PATIENT) {
            Refusal.requireValue(nhsNumber, "a patient's NHS number");
        }
    }

    /** Reads the claims of a verified token. Throws {@link IllegalArgumentException} naming the bad claim. */
    public static SignedInUser from(Jwt jwt) {
        UserId user = claim("sub", () -> new UserId(UUID.fromString(jwt.getSubject())));
        String name = jwt.getClaimAsString(NAME);
        String nhs = jwt.getClaimAsString(NHS_NUMBER);
        String role = jwt.getClaimAsString(ROLE);
        if (nhs != null) {
            if (role != null && !Role.PATIENT.name().equals(role)) {
                throw new IllegalArgumentException("a patient token carries no staff role");
            }
            return new SignedInUser(user, name, Role.PATIENT, null, claim(NHS_NUMBER, () -> NhsNumber.of(nhs)));
        }
        Role staffRole = claim(ROLE, () -> Role.valueOf(role.strip().toUpperCase(Locale.ROOT)));
        if (staffRole == Role.PATIENT) {
            throw new IllegalArgumentException("a patient token needs nhs_number");
        }
        OdsCode ods = claim(ODS, () -> OdsCode.of(jwt.getClaimAsString(ODS)));
        return new SignedInUser(user, name, staffRole, ods, null);
    }

    public boolean isPatient() {
        return role == Role.PATIENT;
    }

    /** Who acts, for commands ({@code by}). */
    public Actor actor() {
        return isPatient() ? Actor.patient(user) : Actor.staff(user, role, organisation);
    }

    /** Who reads, for {@code RecordReads} (which adds the reader's teams from the directory). */
    public Reader reader() {
        return isPatient() ? Reader.patient(user, nhsNumber) : Reader.staff(user, role, organisation, Set.of());
    }

    private static <T> T claim(String claim, java.util.function.Supplier<T> read) {
        try {
            T value = read.get();
            if (value == null) {
                throw new IllegalArgumentException();
            }
            return value;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("token claim '" + claim + "' is missing or invalid");
        }
    }
}
