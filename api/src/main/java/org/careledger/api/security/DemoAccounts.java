package org.careledger.api.security;

import org.careledger.demo.DemoRegion;
import org.careledger.directory.AssignRole;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The people who can sign in to the development identity provider: the demo region's staff and patients, derived
 * deterministically from {@link DemoRegion} (same seed, same accounts). Usernames:
 * <ul>
 *     <li>{@code <role>@<ODS>} (e.g. {@code gp@Y01234}, {@code district-nurse@RCX}): the first staff member the
 *     demo gave that role at that organisation, signed in in that role there. Roles are written in lower case with
 *     hyphens ({@code mental-health-practitioner}, {@code ig-officer}, {@code administrator}).</li>
 *     <li>{@code <role>@<ODS>.<n>} (e.g. {@code gp@Y01234.2}): the n-th staff member with that role there (n from 2),
 *     so every one of the demo's staff can sign in.</li>
 *     <li>{@code <role>} alone (e.g. {@code pharmacist}): the first such assignment in the whole region.</li>
 *     <li>an NHS number (e.g. {@code 9990000018}): that demo patient, if registered; their user id is derived from
 *     the NHS number (an NHS login would issue its own).</li>
 * </ul>
 */
public final class DemoAccounts {

    /** A staff session: who, in which role, at which organisation. */
    public record Staff(String username, UserId user, String name, Role role, OdsCode organisation) {
    }

    private final Map<String, Staff> staff = new LinkedHashMap<>();

    public DemoAccounts(long seed) {
        DemoRegion region = new DemoRegion(seed, 0);
        Map<UserId, String> names = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Object command : region.directory()) {
            if (command instanceof RegisterStaffMember r) {
                names.put(r.user(), r.displayName());
            } else if (command instanceof AssignRole a) {
                String base = slug(a.role()) + "@" + a.organisation().value();
                int n = seen.merge(base, 1, Integer::sum);
                Staff s = new Staff(n == 1 ? base : base + "." + n, a.user(),
                        names.getOrDefault(a.user(), "Demo " + slug(a.role())), a.role(), a.organisation());
                staff.putIfAbsent(s.username(), s);
                staff.putIfAbsent(slug(a.role()), s);
            }
        }
    }

    public static String slug(Role role) {
        return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The staff session a username stands for. */
    public Optional<Staff> staff(String username) {
        return Optional.ofNullable(username == null ? null : staff.get(normalise(username)));
    }

    /** Every staff username ({@code role@ODS} and the role-only aliases), in the demo's order. */
    public List<Staff> allStaff() {
        return List.copyOf(staff.values().stream().distinct().toList());
    }

    /** The NHS number a patient username stands for, if it is one. */
    public static Optional<NhsNumber> patient(String username) {
        return username != null && NhsNumber.isValid(username) ? Optional.of(NhsNumber.of(username)) : Optional.empty();
    }

    /** A patient's stable user id, derived from their NHS number (as an NHS login would give one per person). */
    public static UserId patientUser(NhsNumber patient) {
        return new UserId(UUID.nameUUIDFromBytes(("careledger-dev-nhs-login:" + patient.value())
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static String normalise(String username) {
        String u = username.strip();
        int at = u.indexOf('@');
        return at < 0 ? u.toLowerCase(Locale.ROOT)
                : u.substring(0, at).toLowerCase(Locale.ROOT) + "@" + u.substring(at + 1).toUpperCase(Locale.ROOT);
    }
}
