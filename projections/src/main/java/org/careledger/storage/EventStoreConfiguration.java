package org.careledger.storage;

import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.springboot.TokenStoreProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import javax.sql.DataSource;

/**
 * The ledger's storage: Axon's JDBC event storage engine and token store on PostgreSQL, snake_case tables created
 * by Flyway (db/migration), Jackson everywhere ({@link LedgerJson}), no JPA and no XStream.
 * <p>
 * Every bean here replaces one of Axon's {@code JdbcAutoConfiguration} / {@code AxonAutoConfiguration}
 * defaults (they are all {@code @ConditionalOnMissingBean} or missing-qualified-bean), and
 * {@link org.careledger.LedgerCore} excludes Axon's JPA auto-configurations outright.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({LedgerStorageProperties.class, TokenStoreProperties.class})
public class EventStoreConfiguration {

    public static final String EVENT_TABLE = "domain_event_entry";
    public static final String SNAPSHOT_TABLE = "snapshot_event_entry";
    public static final String TOKEN_TABLE = "token_entry";

    // ---- serializers: one JSON configuration (LedgerJson) for everything stored -------------------------

    /** General serializer: tokens, sagas, dead letters. */
    @Bean
    @Primary
    public Serializer serializer() {
        return JacksonSerializer.builder().objectMapper(LedgerJson.mapper()).build();
    }

    @Bean
    @Qualifier("messageSerializer")
    public Serializer messageSerializer() {
        return JacksonSerializer.builder().objectMapper(LedgerJson.mapper()).build();
    }

    @Bean
    @Qualifier("eventSerializer")
    public Serializer eventSerializer() {
        return JacksonSerializer.builder().objectMapper(LedgerJson.mapper()).build();
    }

    /** Aggregates are snapshotted by their fields (private, no getters), not through the general serializer. */
    static Serializer snapshotSerializer() {
        return JacksonSerializer.builder().objectMapper(LedgerJson.snapshotMapper()).build();
    }

    /**
     * No correlation metadata on stored events (ADR 30). Axon's default provider wrote the dispatching message's id
     * twice into every event ({@code traceId}, {@code correlationId}): 105 of an event row's ~1,100 bytes, read by
     * nothing here. Who and when travel in every payload (ADR 3); the events one command appended are the
     * aggregate's consecutive sequence numbers with the same author and time. Replaces Axon's
     * {@code MessageOriginProvider} (its bean is {@code @ConditionalOnMissingBean}); events stored before keep theirs.
     */
    @Bean
    public CorrelationDataProvider noCorrelationMetadata() {
        return message -> java.util.Map.of();
    }

    // ---- schemas ----------------------------------------------------------------------------------------

    @Bean
    public EventSchema eventSchema() {
        return EventSchema.builder()
                .eventTable(EVENT_TABLE)
                .snapshotTable(SNAPSHOT_TABLE)
                .globalIndexColumn("global_index")
                .timestampColumn("time_stamp")
                .eventIdentifierColumn("event_identifier")
                .aggregateIdentifierColumn("aggregate_identifier")
                .sequenceNumberColumn("sequence_number")
                .typeColumn("type")
                .payloadTypeColumn("payload_type")
                .payloadRevisionColumn("payload_revision")
                .payloadColumn("payload")
                .metaDataColumn("meta_data")
                .build();
    }

    @Bean
    public TokenSchema tokenSchema() {
        return TokenSchema.builder()
                .setTokenTable(TOKEN_TABLE)
                .setProcessorNameColumn("processor_name")
                .setSegmentColumn("segment")
                .setTokenColumn("token")
                .setTokenTypeColumn("token_type")
                .setTimestampColumn("timestamp")
                .setOwnerColumn("owner")
                .build();
    }

    // ---- engine and token store -------------------------------------------------------------------------

    /** Connections come from Spring's transaction, so events and read models commit together. */
    @Bean
    public ConnectionProvider connectionProvider(DataSource dataSource) {
        return new UnitOfWorkAwareConnectionProviderWrapper(new SpringDataSourceConnectionProvider(dataSource));
    }

    @Bean
    public PersistenceExceptionResolver persistenceExceptionResolver() {
        return new JdbcSQLErrorCodesResolver();
    }

    @Bean
    public EventStorageEngine eventStorageEngine(@Qualifier("eventSerializer") Serializer eventSerializer,
                                                 PersistenceExceptionResolver persistenceExceptionResolver,
                                                 org.axonframework.config.Configuration configuration,
                                                 ConnectionProvider connectionProvider,
                                                 TransactionManager transactionManager,
                                                 EventSchema eventSchema,
                                                 LedgerStorageProperties properties) {
        return JdbcEventStorageEngine.builder()
                .eventSerializer(eventSerializer)
                .snapshotSerializer(snapshotSerializer())
                .upcasterChain(configuration.upcasterChain())
                .snapshotFilter(configuration.snapshotFilter())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(eventSchema)
                .dataType(byte[].class)
                .batchSize(properties.batchSize())
                // An aggregate's events are read by ranges of sequence numbers ([n, n + batchSize)); Axon's JDBC engine
                // reads on until a range comes back empty, in case of gaps. The ledger has none (Axon numbers an
                // aggregate's events one by one, the bulk path likewise, and nothing is ever deleted), so a short
                // range is the last: one round trip fewer for every aggregate not in the cache (issue 10).
                .finalAggregateBatchPredicate(batch -> batch.size() < properties.batchSize())
                // made explicit: the database timeouts (AppendTransactionBounds) must stay below it
                .gapTimeout(Math.toIntExact(properties.gapTimeout().toMillis()))
                .build();
    }

    @Bean
    public TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer,
                                 TokenSchema tokenSchema, TokenStoreProperties tokenStoreProperties) {
        return JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .schema(tokenSchema)
                .serializer(serializer)
                .contentType(byte[].class)
                .claimTimeout(tokenStoreProperties.getClaimTimeout())
                .build();
    }
}
