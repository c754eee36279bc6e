package org.careledger.storage;

import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.careledger.access.PatientAccess;
import org.careledger.consent.PatientConsent;
import org.careledger.directory.Organisation;
import org.careledger.directory.StaffMember;
import org.careledger.record.PatientRecord;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The event-sourced aggregates of the ledger, in one place. The domain module has no Spring, so its aggregates
 * carry no {@code @Aggregate} stereotype; they are registered here with Axon's configurer. Each gets an
 * event-sourcing repository on the JDBC event store.
 */
@Component
public class LedgerAggregates implements ConfigurerModule {

    /** Every aggregate type of the ledger. */
    public static final List<Class<?>> TYPES = List.of(
            PatientRecord.class,
            PatientConsent.class,
            PatientAccess.class,
            Organisation.class,
            StaffMember.class);

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

    private <A> AggregateConfigurer<A> configuration(Class<A> type) {
        AggregateConfigurer<A> aggregate = AggregateConfigurer.defaultConfiguration(type);
        if (type == PatientRecord.class) {
            // a record collects entries for decades; replaying thousands of events per command is too slow
            aggregate.configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(
                    c.snapshotter(), properties.snapshotThreshold()));
        }
        return aggregate;
    }
}
