package org.careledger.policy;

import org.careledger.shared.GrantReason;
import org.careledger.shared.Role;
import org.careledger.shared.Section;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The role policy (DESIGN.md "Default role views"): policy data read from a versioned properties file, not code.
 * Immutable; load a new version with {@link #load(Reader)}.
 */
public final class RolePolicy {

    /** DESIGN.md: an emergency access lasts at most four hours, whatever a policy file says. */
    public static final Duration EMERGENCY_CEILING = Duration.ofHours(4);

    /** DESIGN.md: only a clinical role breaks glass, whatever a policy file says. */
    private static final Set<Role> NEVER_EMERGENCY = EnumSet.of(Role.PRACTICE_ADMIN, Role.SOCIAL_WORKER,
            Role.IG_OFFICER, Role.PATIENT, Role.ADMINISTRATOR);

    private static final String DEFAULT_RESOURCE = "role-policy.properties";

    private final String version;
    private final Map<Role, Set<Section>> reads;
    private final Map<Role, Set<Section>> writes;
    private final Map<Role, Duration> emergency;
    private final Set<Role> grantRoles;
    private final Map<GrantReason, Duration> grantMaximum;
    private final WorkingHours workingHours;

    private RolePolicy(String version, Map<Role, Set<Section>> reads, Map<Role, Set<Section>> writes,
                       Map<Role, Duration> emergency, Set<Role> grantRoles, Map<GrantReason, Duration> grantMaximum,
                       WorkingHours workingHours) {
        this.version = version;
        this.reads = reads;
        this.writes = writes;
        this.emergency = emergency;
        this.grantRoles = grantRoles;
        this.grantMaximum = grantMaximum;
        this.workingHours = workingHours;
    }

    /** The text of the policy file shipped with CareLedger, as activated on a new ledger. */
    public static String defaultSource() {
        try (InputStream in = RolePolicy.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("role policy resource missing: " + DEFAULT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("role policy resource unreadable", e);
        }
    }

    /** The policy shipped with CareLedger (DESIGN.md's table). */
    public static RolePolicy defaultPolicy() {
        try (InputStream in = RolePolicy.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("role policy resource missing: " + DEFAULT_RESOURCE);
            }
            return load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("role policy resource unreadable", e);
        }
    }

    /**
     * Reads a policy file. Every role must have a reads line; every grant reason a maximum; unknown roles, sections
     * or keys are errors (a typo must not silently widen or narrow access).
     */
    public static RolePolicy load(Reader source) throws IOException {
        Properties p = new Properties();
        p.load(source);
        String version = required(p, "policy.version");
        Map<Role, Set<Section>> reads = new EnumMap<>(Role.class);
        Map<Role, Set<Section>> writes = new EnumMap<>(Role.class);
        Map<Role, Duration> emergency = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            Set<Section> r = sections(required(p, "role." + role + ".reads"), "role." + role + ".reads");
            reads.put(role, r);
            String w = p.getProperty("role." + role + ".writes");
            writes.put(role, w == null ? r : sections(w, "role." + role + ".writes"));
            String e = p.getProperty("role." + role + ".emergency");
            if (e != null) {
                if (NEVER_EMERGENCY.contains(role)) {
                    throw new IllegalArgumentException("role." + role + ".emergency: only clinical roles declare emergencies");
                }
                Duration d = Duration.parse(e.strip());
                if (d.isNegative() || d.isZero() || d.compareTo(EMERGENCY_CEILING) > 0) {
                    throw new IllegalArgumentException("role." + role + ".emergency must be more than 0 and at most PT4H");
                }
                emergency.put(role, d);
            }
        }
        if (!writes.get(Role.PATIENT).isEmpty() || !writes.get(Role.IG_OFFICER).isEmpty()) {
            throw new IllegalArgumentException("PATIENT and IG_OFFICER write no clinical entries");
        }
        if (!reads.get(Role.IG_OFFICER).isEmpty()) {
            throw new IllegalArgumentException("IG_OFFICER never reads clinical content");
        }
        EnumSet<Role> grantRoles = EnumSet.noneOf(Role.class);
        for (String name : list(required(p, "grant.roles"))) {
            grantRoles.add(role(name, "grant.roles"));
        }
        Map<GrantReason, Duration> grantMaximum = new EnumMap<>(GrantReason.class);
        for (GrantReason reason : GrantReason.values()) {
            grantMaximum.put(reason, Duration.parse(required(p, "grant.max." + reason)));
        }
        WorkingHours hours = new WorkingHours(
                ZoneId.of(required(p, "hours.zone")),
                days(required(p, "hours.days")),
                LocalTime.parse(required(p, "hours.from")),
                LocalTime.parse(required(p, "hours.to")));
        for (String key : p.stringPropertyNames()) {
            if (!known(key)) {
                throw new IllegalArgumentException("unknown policy key: " + key);
            }
        }
        return new RolePolicy(version, freeze(reads), freeze(writes), Collections.unmodifiableMap(emergency),
                Collections.unmodifiableSet(grantRoles), Collections.unmodifiableMap(grantMaximum), hours);
    }

    public String version() {
        return version;
    }

    public Set<Section> readableSections(Role role) {
        return reads.get(role);
    }

    public Set<Section> writableSections(Role role) {
        return writes.get(role);
    }

    public boolean mayRead(Role role, Section section) {
        return reads.get(role).contains(section);
    }

    public boolean mayWrite(Role role, Section section) {
        return writes.get(role).contains(section);
    }

    /** How long an emergency declared in this role lasts; empty when the role may not declare one. */
    public Optional<Duration> emergencyDuration(Role role) {
        return Optional.ofNullable(emergency.get(role));
    }

    public boolean mayGrant(Role role) {
        return grantRoles.contains(role);
    }

    public Duration grantMaximum(GrantReason reason) {
        return grantMaximum.get(reason);
    }

    public WorkingHours workingHours() {
        return workingHours;
    }

    private static boolean known(String key) {
        if (key.equals("policy.version") || key.equals("grant.roles") || key.startsWith("hours.")) {
            return key.equals("policy.version") || key.equals("grant.roles")
                    || List.of("hours.zone", "hours.days", "hours.from", "hours.to").contains(key);
        }
        if (key.startsWith("grant.max.")) {
            return Arrays.stream(GrantReason.values()).anyMatch(r -> key.equals("grant.max." + r));
        }
        if (key.startsWith("role.")) {
            for (Role role : Role.values()) {
                for (String suffix : List.of(".reads", ".writes", ".emergency")) {
                    if (key.equals("role." + role + suffix)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Map<Role, Set<Section>> freeze(Map<Role, Set<Section>> map) {
        EnumMap<Role, Set<Section>> copy = new EnumMap<>(Role.class);
        map.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(EnumSet.copyOf(v.isEmpty() ? EnumSet.noneOf(Section.class) : v))));
        return Collections.unmodifiableMap(copy);
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("policy key missing: " + key);
        }
        return value.strip();
    }

    static Set<Section> sections(String spec, String key) {
        String s = spec.strip();
        if (s.equals("NONE")) {
            return EnumSet.noneOf(Section.class);
        }
        if (s.equals("ALL")) {
            return EnumSet.allOf(Section.class);
        }
        if (s.startsWith("ALL EXCEPT ")) {
            EnumSet<Section> all = EnumSet.allOf(Section.class);
            for (String name : list(s.substring("ALL EXCEPT ".length()))) {
                all.remove(section(name, key));
            }
            return all;
        }
        EnumSet<Section> set = EnumSet.noneOf(Section.class);
        for (String name : list(s)) {
            set.add(section(name, key));
        }
        return set;
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    private static Section section(String name, String key) {
        try {
            return Section.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown section '" + name + "' in " + key);
        }
    }

    private static Role role(String name, String key) {
        try {
            return Role.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + name + "' in " + key);
        }
    }

    private static Set<DayOfWeek> days(String csv) {
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String d : list(csv)) {
            days.add(DayOfWeek.valueOf(d));
        }
        return Collections.unmodifiableSet(days);
    }

    /** The region's working hours; accesses outside them raise IG alerts. */
    public record WorkingHours(ZoneId zone, Set<DayOfWeek> days, LocalTime from, LocalTime to) {
        public boolean contains(java.time.Instant instant) {
            var local = instant.atZone(zone);
            LocalTime t = local.toLocalTime();
            return days.contains(local.getDayOfWeek()) && !t.isBefore(from) && t.isBefore(to);
        }
    }
}
