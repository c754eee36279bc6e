package org.careledger.audit.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The indices: index templates (put at start-up, and before the first bulk write of a process, so no document is
 * ever mapped dynamically), the names, and the one bulk write both projections use. Patients live in one index
 * ({@value #PATIENTS}); the audit trail in one index per UTC month ({@code careledger-audit-2026.03}), so
 * retention deletes whole indices. Every document is written with {@code version_type=external_gte} and the ledger's
 * global index as its version: a replayed or late, older event can never overwrite a newer document, and writing
 * the same version again rewrites it (the same content, or a patient's document that now includes an event that
 * committed late, ADR 22). Logs carry ids only.
 */
@Component
@ConditionalOnProperty(SearchConfiguration.URL)
public class SearchIndices {

    private static final Logger log = LoggerFactory.getLogger(SearchIndices.class);
    public static final String PATIENTS = "careledger-patients";
    public static final String AUDIT_PREFIX = "careledger-audit-";
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    private final ElasticsearchClient client;
    private final RestClient rest;
    private final ObjectMapper json;
    private final int replicas;
    private volatile boolean templatesPut;

    public SearchIndices(ElasticsearchClient client,
                         @Value("${careledger.search.elasticsearch.replicas:0}") int replicas) {
        this.client = client;
        this.replicas = replicas;
        // the bulk write goes through the client's own transport, with the client's own Jackson configuration
        this.rest = ((RestClientTransport) client._transport()).restClient();
        this.json = client._jsonpMapper() instanceof JacksonJsonpMapper jackson
                ? jackson.objectMapper() : new ObjectMapper();
    }

    /** The audit index of the month an event happened in. */
    public static String auditIndex(Instant at) {
        return AUDIT_PREFIX + MONTH.format(at);
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartUp() {
        try {
            ensureTemplates();
        } catch (RuntimeException e) {
            // the processors put them before their first write; until then search reads PostgreSQL's answers
            log.warn("search: index templates not put at start-up ({}); retried before the first write",
                    e.getClass().getSimpleName());
        }
    }

    /** Puts both index templates (idempotent). */
    public void ensureTemplates() {
        if (templatesPut) {
            return;
        }
        put("careledger-patients", "elasticsearch/patients-template.json");
        put("careledger-audit", "elasticsearch/audit-template.json");
        extendAuditMappings();
        templatesPut = true;
        log.info("search: index templates put");
    }

    private void put(String name, String resource) {
        try (InputStream json = SearchIndices.class.getClassLoader().getResourceAsStream(resource)) {
            if (json == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            String body = new String(json.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\"number_of_replicas\": 0", "\"number_of_replicas\": " + replicas);
            client.indices().putIndexTemplate(b -> b.name(name).withJson(new java.io.StringReader(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("search: index template " + name + " not put", e);
        }
    }

    /**
     * Adds the fields the template gained since an existing monthly index was created (mappings only grow): the
     * alert fields and the position (issue 11). A replay then rewrites the older documents with them.
     */
    private void extendAuditMappings() {
        try {
            client.indices().putMapping(m -> m.index(AUDIT_PREFIX + "*").ignoreUnavailable(true).allowNoIndices(true)
                    .properties("position", p -> p.long_(l -> l))
                    .properties("alert", p -> p.keyword(k -> k))
                    .properties("alert_kind", p -> p.keyword(k -> k))
                    .properties("outcome", p -> p.keyword(k -> k)));
        } catch (IOException e) {
            throw new UncheckedIOException("search: audit mappings not extended", e);
        }
    }

    /** One document to write: index, id (from the event), version (a global index) and source. */
    public record Doc(String index, String id, long version, Map<String, Object> source) {
    }

    /**
     * Writes the documents in one bulk request, {@code version_type=external_gte}: a document of the same version is
     * overwritten (the same event again, or a patient's document rebuilt with an event that committed late below its
     * highest index, ADR 22). A version conflict means a document of a later version is already there: done. Any
     * other failure throws (ids only), so the processor retries the batch from its token.
     * <p>
     * The NDJSON body is written by Jackson into one buffer and sent by the client's own transport (its low-level
     * REST client) with its length; the answer is read only as far as {@code "errors"} unless something failed. The
     * typed client's bulk sent each line as a buffer of its own and built an object per item of the answer: 42-54 %
     * of a raw {@code _bulk}'s rate for the same documents (docs/benchmarks.md, bench-search's indexing rounds).
     */
    public void bulk(List<Doc> docs) {
        if (docs.isEmpty()) {
            return;
        }
        ensureTemplates();
        ByteArrayOutputStream body = new ByteArrayOutputStream(docs.size() * 640);
        try {
            for (Doc doc : docs) {
                json.writeValue(body, Map.of("index", Map.of("_index", doc.index(), "_id", doc.id(),
                        "version", doc.version(), "version_type", "external_gte")));
                body.write('\n');
                json.writeValue(body, doc.source());
                body.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("search: bulk body of " + docs.size() + " documents not written", e);
        }
        Request request = new Request("POST", "/_bulk");
        request.setEntity(new ByteArrayEntity(body.toByteArray(), NDJSON));
        byte[] answer;
        try {
            answer = rest.performRequest(request).getEntity().getContent().readAllBytes();
        } catch (ResponseException e) {
            // the node's answer may quote a document: the status only, never the body
            throw new IllegalStateException("search: bulk write of " + docs.size() + " documents refused (HTTP "
                    + e.getResponse().getStatusLine().getStatusCode() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("search: bulk write of " + docs.size() + " documents failed", e);
        }
        if (anyErrors(answer)) {
            failures(answer);
        }
    }

    /** The answer's top-level {@code "errors"} flag, read without building the items. */
    private boolean anyErrors(byte[] answer) {
        try (JsonParser parser = json.getFactory().createParser(answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("search: bulk answer is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("errors".equals(field)) {
                    return value == JsonToken.VALUE_TRUE;
                }
                parser.skipChildren();
            }
            throw new IllegalStateException("search: bulk answer names no errors flag");
        } catch (IOException e) {
            throw new UncheckedIOException("search: bulk answer unreadable", e);
        }
    }

    /** Throws for the first item that failed other than by a version conflict (a later document is there). */
    private void failures(byte[] answer) {
        JsonNode items;
        try {
            items = json.readTree(answer).path("items");
        } catch (IOException e) {
            throw new UncheckedIOException("search: bulk answer unreadable", e);
        }
        for (JsonNode item : items) {
            JsonNode result = item.elements().hasNext() ? item.elements().next() : item;
            if (result.hasNonNull("error") && result.path("status").asInt() != 409) {
                throw new IllegalStateException("search: document " + result.path("_id").asText() + " in "
                        + result.path("_index").asText() + " not written ("
                        + result.path("error").path("type").asText() + ")");
            }
        }
    }

    /** Makes written documents searchable now (tests, replay). */
    public void refresh() {
        try {
            client.indices().refresh(r -> r.index(PATIENTS, AUDIT_PREFIX + "*").ignoreUnavailable(true)
                    .allowNoIndices(true));
        } catch (IOException e) {
            throw new UncheckedIOException("search: refresh failed", e);
        }
    }

    public ElasticsearchClient client() {
        return client;
    }
}
