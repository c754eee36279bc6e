package org.careledger.api.http;

import org.careledger.demo.DemoRegion;
import org.careledger.directory.AssignRole;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The demo region's people as the demo GENERATOR made them (same seed, same people), with the usernames the
 * development identity provider gives them: {@code <role>@<ODS>} for the first holder of a role at an organisation,
 * {@code <role>@<ODS>.<n>} for the n-th, {@code <role>} for the first in the region. The application itself reads
 * them from the registers (DevAccounts); the tests use this independent derivation to check that every demo person
 * signs in as the generator made them.
 */
final class DemoPeople {

    /** A staff session: who, in which role, at which organisation. */
    public record Staff(String username, UserId user, String name, Role role, OdsCode organisation) {
    }

    private final Map<String, Staff> staff = new LinkedHashMap<>();

    DemoPeople(long seed) {
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

    private static String normalise(String username) {
        String u = username.strip();
        int at = u.indexOf('@');
        return at < 0 ? u.toLowerCase(Locale.ROOT)
                : u.substring(0, at).toLowerCase(Locale.ROOT) + "@" + u.substring(at + 1).toUpperCase(Locale.ROOT);
    }
}
