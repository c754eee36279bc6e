package org.careledger.audit.elasticsearch;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditSearch;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link AuditSearch} from the audit indices: every filter a {@code term} filter (free-text terms on the analysed
 * {@code text} field, whose words are the coded fields lower-cased), the period a range on {@code at}, sorted by
 * (at, position) and paged with {@code search_after}: the same rows, in the same order, as PostgreSQL's answer. No
 * scoring (filter context), so the shards the period excludes are skipped.
 */
@Component
@ConditionalOnProperty(SearchConfiguration.URL)
public class AuditIndexSearch implements AuditSearch.Index {

    private final SearchIndices indices;

    public AuditIndexSearch(SearchIndices indices) {
        this.indices = indices;
    }

    @Override
    public AuditPage<AuditSearch.Hit> search(AuditSearch.Filter filter, AuditPeriod period, AuditPage.Request page) {
        List<Query> filters = new ArrayList<>();
        filters.add(Query.of(q -> q.range(r -> r.untyped(u -> u.field("at")
                .gte(JsonData.of(period.from().toString())).lt(JsonData.of(period.to().toString()))))));
        term(filters, "user", filter.user() == null ? null : filter.user().toString());
        term(filters, "role", filter.role() == null ? null : filter.role().name());
        term(filters, "organisation", filter.organisation() == null ? null : filter.organisation().value());
        term(filters, "patient", filter.patient() == null ? null : filter.patient().value());
        term(filters, "basis", filter.basis() == null ? null : filter.basis().name());
        term(filters, "purpose", filter.purpose() == null ? null : filter.purpose().name());
        term(filters, "channel", filter.channel() == null ? null : filter.channel().name());
        term(filters, "kind", filter.kind() == null ? null : filter.kind().name());
        for (String word : filter.terms()) {
            term(filters, "text", word);
        }
        try {
            SearchResponse<Map> response = indices.client().search(s -> {
                s.index(SearchIndices.AUDIT_PREFIX + "*").ignoreUnavailable(true).allowNoIndices(true)
                        .size(page.size() + 1).trackTotalHits(t -> t.enabled(false))
                        .query(q -> q.bool(b -> b.filter(filters)))
                        .sort(o -> o.field(f -> f.field("at").order(SortOrder.Asc)))
                        .sort(o -> o.field(f -> f.field("position").order(SortOrder.Asc)));
                if (page.after() != null) {
                    s.searchAfter(FieldValue.of(page.after().at().toEpochMilli()),
                            FieldValue.of(page.after().globalIndex()));
                }
                return s;
            }, Map.class);
            List<AuditSearch.Hit> hits = new ArrayList<>();
            for (Hit<Map> hit : response.hits().hits()) {
                hits.add(hit(hit.source()));
            }
            if (hits.size() <= page.size()) {
                return new AuditPage<>(hits, null);
            }
            List<AuditSearch.Hit> items = hits.subList(0, page.size());
            return new AuditPage<>(items, AuditSearch.cursorOf(items.get(items.size() - 1)));
        } catch (IOException e) {
            throw new UncheckedIOException("search: audit search failed", e);
        }
    }

    private static void term(List<Query> filters, String field, String value) {
        if (value != null) {
            filters.add(Query.of(q -> q.term(t -> t.field(field).value(value))));
        }
    }

    @SuppressWarnings("unchecked")
    private static AuditSearch.Hit hit(Map<String, Object> doc) {
        String user = (String) doc.get("user");
        Object sections = doc.get("sections");
        return new AuditSearch.Hit((String) doc.get("event_id"), number(doc.get("global_index")),
                number(doc.get("position")), (String) doc.get("kind"), Instant.parse((String) doc.get("at")),
                user == null ? null : UUID.fromString(user), (String) doc.get("role"), (String) doc.get("organisation"),
                (String) doc.get("patient"), (String) doc.get("basis"), (String) doc.get("purpose"),
                (String) doc.get("channel"), (String) doc.get("view"),
                sections == null ? List.of() : (List<String>) sections,
                doc.get("disclosed_count") == null ? null : (int) number(doc.get("disclosed_count")),
                (String) doc.get("refusal_reason"), (String) doc.get("search_kind"), (String) doc.get("question"),
                (String) doc.get("subject"), (String) doc.get("alert"), (String) doc.get("alert_kind"),
                (String) doc.get("outcome"));
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
