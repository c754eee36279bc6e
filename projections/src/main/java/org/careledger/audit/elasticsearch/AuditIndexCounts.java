package org.careledger.audit.elasticsearch;

import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.CalendarInterval;
import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramBucket;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.json.JsonData;
import org.careledger.audit.trail.AuditCounts;
import org.careledger.audit.trail.AuditPeriod;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AuditCounts} from the audit indices: a terms aggregation on the key, with a daily date histogram in the
 * policy's zone for daily counts. Same buckets as PostgreSQL's answer for the same events.
 */
@Component
@ConditionalOnProperty(SearchConfiguration.URL)
public class AuditIndexCounts implements AuditCounts.Index {

    /** More distinct keys than any region has users or organisations in a query's period. */
    private static final int MAX_KEYS = 65_000;

    private final SearchIndices indices;

    public AuditIndexCounts(SearchIndices indices) {
        this.indices = indices;
    }

    @Override
    public List<AuditCounts.Bucket> counts(AuditCounts.By by, String organisation, AuditPeriod period, ZoneId zone) {
        String field = switch (by) {
            case USER_DAY -> "user";
            case ORGANISATION -> "organisation";
            case BASIS, EMERGENCY_DAY -> "basis";
        };
        List<Query> filters = new ArrayList<>();
        filters.add(Query.of(q -> q.range(r -> r.untyped(u -> u.field("at").gte(JsonData.of(period.from().toString()))
                .lt(JsonData.of(period.to().toString()))))));
        if (by == AuditCounts.By.EMERGENCY_DAY) {
            filters.add(Query.of(q -> q.term(t -> t.field("basis").value("EMERGENCY"))));
        } else {
            filters.add(Query.of(q -> q.term(t -> t.field("kind").value("ACCESSED"))));
        }
        if (organisation != null) {
            filters.add(Query.of(q -> q.term(t -> t.field("organisation").value(organisation))));
        }
        Aggregation days = Aggregation.of(a -> a.dateHistogram(h -> h.field("at")
                .calendarInterval(CalendarInterval.Day).timeZone(zone.getId()).minDocCount(1)));
        try {
            SearchResponse<Void> response = indices.client().search(s -> s.index(SearchIndices.AUDIT_PREFIX + "*")
                    .ignoreUnavailable(true).allowNoIndices(true).size(0)
                    .query(q -> q.bool(b -> b.filter(filters)))
                    .aggregations("keys", a -> {
                        var terms = a.terms(t -> t.field(field).size(MAX_KEYS));
                        return by.daily() ? terms.aggregations("days", days) : terms;
                    }), Void.class);
            List<AuditCounts.Bucket> buckets = new ArrayList<>();
            for (StringTermsBucket key : response.aggregations().get("keys").sterms().buckets().array()) {
                String name = by == AuditCounts.By.EMERGENCY_DAY ? "EMERGENCY" : key.key().stringValue();
                if (!by.daily()) {
                    buckets.add(new AuditCounts.Bucket(name, null, key.docCount()));
                    continue;
                }
                for (DateHistogramBucket day : key.aggregations().get("days").dateHistogram().buckets().array()) {
                    LocalDate local = Instant.ofEpochMilli(day.key()).atZone(zone).toLocalDate();
                    buckets.add(new AuditCounts.Bucket(name, local, day.docCount()));
                }
            }
            buckets.sort(AuditCounts.ORDER);
            return buckets;
        } catch (IOException e) {
            throw new UncheckedIOException("search: audit counts failed", e);
        }
    }
}
