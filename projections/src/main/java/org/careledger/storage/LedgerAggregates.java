package org.careledger.storage;

import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.careledger.access.PatientAccess;
import org.careledger.alert.AlertCase;
import org.careledger.consent.PatientConsent;
import org.careledger.directory.Organisation;
import org.careledger.directory.StaffMember;
import org.careledger.policy.PolicyVersions;
import org.careledger.record.PatientRecord;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.AggregateFactory;
import org.axonframework.eventsourcing.AggregateSnapshotter;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The event-sourced aggregates of the ledger, in one place. The domain module has no Spring, so its aggregates
 * carry no {@code @Aggregate} stereotype; they are registered here with Axon's configurer. Each gets an
 * event-sourcing repository on the JDBC event store.
 * <p>
 * Trap: Axon's Spring Boot snapshotter ({@code SpringAggregateSnapshotter}) only knows aggregates that are
 * Spring beans ({@code @Aggregate}) and fails with "Aggregate Type is unknown in this snapshotter" for aggregates
 * registered through the configurer; so the snapshotter is defined here too, from the same list.
 */
@Configuration(proxyBeanMethods = false)
public class LedgerAggregates implements ConfigurerModule {

    /** Every aggregate type of the ledger. */
    public static final List<Class<?>> TYPES = List.of(
            PatientRecord.class,
            PatientConsent.class,
            PatientAccess.class,
            Organisation.class,
            StaffMember.class,
            PolicyVersions.class,
            AlertCase.class);

    private final LedgerStorageProperties properties;

    public LedgerAggregates(LedgerStorageProperties properties) {
        this.properties = properties;
    }

    @Override
    public void configureModule(Configurer configurer) {
        for (Class<?> type : TYPES) {
            configurer.configureAggregate(configuration(type));
        }
    }

    /** The thread snapshots are taken on, off the command's (see {@link SnapshotWorker}). */
    @Bean
    public SnapshotWorker snapshotWorker() {
        return new SnapshotWorker();
    }

    /** Replaces Axon's Spring snapshotter (it backs off when a Snapshotter bean exists). */
    @Bean
    public AggregateSnapshotter aggregateSnapshotter(EventStore eventStore, TransactionManager transactionManager,
                                                     ParameterResolverFactory parameterResolverFactory,
                                                     HandlerDefinition handlerDefinition,
                                                     SnapshotterSpanFactory spanFactory, SnapshotWorker worker) {
        // inspect with the Spring-aware resolvers: the one-argument GenericAggregateFactory inspects with the
        // classpath resolvers only and cannot resolve the RolePolicy/Registers handler parameters (tests that have
        // axon-test on the classpath hide this: its fixture resolver accepts any parameter)
        List<AggregateFactory<?>> factories = TYPES.stream()
                .<AggregateFactory<?>>map(type -> new GenericAggregateFactory<>(
                        AnnotatedAggregateMetaModelFactory.inspectAggregate(type, parameterResolverFactory,
                                handlerDefinition)))
                .toList();
        return AggregateSnapshotter.builder()
                .eventStore(eventStore)
                .transactionManager(transactionManager)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spanFactory)
                .aggregateFactories(factories)
                .executor(worker)
                .build();
    }

    private <A> AggregateConfigurer<A> configuration(Class<A> type) {
        AggregateConfigurer<A> aggregate = AggregateConfigurer.defaultConfiguration(type);
        // Keep loaded aggregates in memory between commands (weakly referenced, so memory pressure drops them):
        // a command on a cached aggregate skips reading its snapshot and events. Safe with one writer node; with
        // several, a stale copy is caught by the store's unique (aggregate, sequence) key and the command fails.
        aggregate.configureCache(c -> new org.axonframework.common.caching.WeakReferenceCache());
        aggregate.configureCommandTargetResolver(c -> CachedCommandTargets.INSTANCE);
        if (type == PatientRecord.class) {
            // a record collects entries for decades; replaying thousands of events per command is too slow
            aggregate.configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(
                    c.snapshotter(), properties.snapshotThreshold()));
        }
        return aggregate;
    }
}
