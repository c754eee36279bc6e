package org.careledger.audit.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.http.HttpHost;
import org.axonframework.config.EventProcessingConfigurer;
import org.careledger.storage.SkippedEventWatch;
import org.elasticsearch.client.RestClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Search in Elasticsearch (issue 11, ADR 19), only when {@code careledger.search.elasticsearch.url} is set; without
 * it nothing here exists and search runs on PostgreSQL as before. PostgreSQL stays the record: the two indexes
 * (patient demographics, the audit trail) are projections, kept by pooled streaming (tracking) processors that read
 * the ledger after commit, so Elasticsearch is never part of an appending transaction and its outage only delays
 * indexing (the lag gauge {@code careledger.search.lag} shows by how much).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(SearchConfiguration.URL)
public class SearchConfiguration {

    public static final String URL = "careledger.search.elasticsearch.url";
    public static final String PATIENTS = "search-patients";
    public static final String AUDIT = "search-audit";

    @Bean(destroyMethod = "close")
    public RestClient searchRestClient(@Value("${" + URL + "}") String url) {
        return RestClient.builder(HttpHost.create(url.strip())).build();
    }

    @Bean
    public ElasticsearchClient searchClient(RestClient searchRestClient) {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return new ElasticsearchClient(new RestClientTransport(searchRestClient, new JacksonJsonpMapper(json)));
    }

    @Autowired
    public void configure(EventProcessingConfigurer processing, SkippedEventWatch skipped,
                          @Value("${careledger.search.elasticsearch.batch-size:500}") int batchSize) {
        for (String group : new String[] {PATIENTS, AUDIT}) {
            // watched: an event committed after the gap timeout is noted and delivered again (ADR 22)
            processing.registerPooledStreamingEventProcessor(group,
                    config -> skipped.watch(group, config.eventStore()),
                    (config, builder) -> builder.batchSize(batchSize).initialSegmentCount(1));
        }
    }
}
