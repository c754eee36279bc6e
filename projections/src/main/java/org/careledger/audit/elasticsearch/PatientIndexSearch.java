package org.careledger.audit.elasticsearch;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import org.careledger.audit.search.DemographicQuery;
import org.careledger.audit.search.PatientSearch;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzy patient search over the demographics index. Every hit must match a name (fuzzily: edit distance by word
 * length, transpositions included; by word prefix; by shared trigrams; current or former names) AND at least one of
 * the other facts given (date of birth, year of birth, postcode, former postcode, postcode district); ranking puts
 * exact facts first. Returns the same {@link PatientSearch.Match} as the PostgreSQL search: NHS number, date of
 * birth and registered practice, nothing else of the document. Called only by {@link PatientSearch}, which checks
 * who may search and audits it.
 */
@Component
@ConditionalOnProperty(SearchConfiguration.URL)
public class PatientIndexSearch {

    private final SearchIndices indices;

    public PatientIndexSearch(SearchIndices indices) {
        this.indices = indices;
    }

    @SuppressWarnings("rawtypes")
    public List<PatientSearch.Match> search(DemographicQuery query, int limit) {
        String names = String.join(" ", query.names());
        List<String> words = new ArrayList<>();
        query.names().forEach(n -> words.addAll(NameKeys.words(n)));
        List<Query> nameClauses = new ArrayList<>();
        nameClauses.add(Query.of(q -> q.multiMatch(m -> m.query(names).fields("family^3", "given^2", "former_names")
                .fuzziness("AUTO").prefixLength(1))));
        nameClauses.add(Query.of(q -> q.terms(t -> t.field("name_keys").boost(2f)
                .terms(v -> v.value(words.stream().map(FieldValue::of).toList())))));
        nameClauses.add(Query.of(q -> q.match(m -> m.field("name_grams").query(NameKeys.grams(words)).boost(0.5f))));
        for (String word : words) {
            if (word.length() >= 2) {
                nameClauses.add(Query.of(q -> q.prefix(p -> p.field("name_keys").value(word))));
            }
        }
        List<Query> factClauses = new ArrayList<>();
        if (query.birthDate() != null) {
            factClauses.add(Query.of(q -> q.term(t -> t.field("birth_date").value(query.birthDate().toString())
                    .boost(4f))));
        }
        if (query.birthYear() != null) {
            factClauses.add(Query.of(q -> q.term(t -> t.field("birth_year").value(query.birthYear()).boost(2f))));
        }
        if (query.postcode() != null) {
            String postcode = NameKeys.postcode(query.postcode());
            factClauses.add(Query.of(q -> q.term(t -> t.field("postcode").value(postcode).boost(4f))));
            factClauses.add(Query.of(q -> q.term(t -> t.field("former_postcodes").value(postcode).boost(2f))));
            factClauses.add(Query.of(q -> q.term(t -> t.field("postcode_outward").value(NameKeys.outward(postcode)))));
        }
        try {
            SearchResponse<Map> response = indices.client().search(s -> s.index(SearchIndices.PATIENTS)
                    .size(limit)
                    .source(src -> src.filter(f -> f.includes("nhs_number", "birth_date", "registered_practice")))
                    .query(q -> q.bool(b -> b
                            .must(m -> m.bool(n -> n.should(nameClauses).minimumShouldMatch("1")))
                            .must(m -> m.bool(f -> f.should(factClauses).minimumShouldMatch("1"))))), Map.class);
            return response.hits().hits().stream().map(hit -> {
                Map source = hit.source();
                Object practice = source.get("registered_practice");
                return new PatientSearch.Match(NhsNumber.of((String) source.get("nhs_number")),
                        LocalDate.parse((String) source.get("birth_date")),
                        practice == null ? null : OdsCode.of((String) practice));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("search: patient search failed", e);
        }
    }
}
