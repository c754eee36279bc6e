package org.careledger.audit.trail;

import org.springframework.jdbc.core.JdbcTemplate;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts over the audit trail for IG (issue 11): reads per user and local day, reads per organisation, reads by
 * basis, and emergencies (declarations and emergency reads) per local day; optionally for one organisation's
 * staff. Answered by PostgreSQL, or by the Elasticsearch audit index ({@link Index}) when it is configured; both give
 * the same buckets, ordered by key then day. Asked through {@link AuditTrail#counts}, which checks and audits.
 */
public final class AuditCounts {

    private AuditCounts() {
    }

    public enum By {
        USER_DAY, ORGANISATION, BASIS, EMERGENCY_DAY;

        /** Whether buckets are per local day. */
        public boolean daily() {
            return this == USER_DAY || this == EMERGENCY_DAY;
        }
    }

    /** One bucket: its key (user id, ODS code, basis, or EMERGENCY), the local day for daily counts, the count. */
    public record Bucket(String key, LocalDate day, long count) {
    }

    /** Buckets by key, then day. */
    public static final java.util.Comparator<Bucket> ORDER = java.util.Comparator.comparing(Bucket::key)
            .thenComparing(Bucket::day, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));

    /** What the search index answers. */
    public interface Index {
        List<Bucket> counts(By by, String organisation, AuditPeriod period, ZoneId zone);
    }

    /** The answer from PostgreSQL's trail. */
    public static List<Bucket> fromTrail(JdbcTemplate jdbc, By by, String organisation, AuditPeriod period, ZoneId zone) {
        String key = switch (by) {
            case USER_DAY -> "user_id::text";
            case ORGANISATION -> "organisation";
            case BASIS -> "basis";
            case EMERGENCY_DAY -> "'EMERGENCY'";
        };
        String day = by.daily() ? "(occurred_at AT TIME ZONE ?)::date" : "NULL::date";
        String which = by == By.EMERGENCY_DAY ? "basis = 'EMERGENCY'" : "kind = 'ACCESSED'";
        List<Object> args = new ArrayList<>();
        if (by.daily()) {
            args.add(zone.getId());
        }
        args.add(period.from().atOffset(ZoneOffset.UTC));
        args.add(period.to().atOffset(ZoneOffset.UTC));
        String sql = "SELECT " + key + " AS k, " + day + " AS d, count(*) FROM audit_event WHERE " + which
                + " AND occurred_at >= ? AND occurred_at < ? AND " + key + " IS NOT NULL";
        if (organisation != null) {
            sql += " AND organisation = ?";
            args.add(organisation);
        }
        sql += " GROUP BY 1, 2";
        List<Bucket> buckets = new ArrayList<>(jdbc.query(sql, (rs, i) -> new Bucket(rs.getString(1),
                rs.getObject(2, LocalDate.class), rs.getLong(3)), args.toArray()));
        buckets.sort(ORDER);
        return buckets;
    }
}
