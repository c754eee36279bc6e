package org.careledger.storage;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.AggregateSnapshotter;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.careledger.policy.PolicyInForce;
import org.careledger.registers.JdbcRegisters;
import org.careledger.shared.Registers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger core is wired as intended: JDBC, Jackson, no JPA, no Axon Server, subscribing registers. */
class LedgerWiringTest extends LedgerDatabaseTest {

    @Autowired
    ApplicationContext context;

    @Test
    void storageIsJdbcAndJacksonOnly() {
        assertThat(context.getBean(EventStorageEngine.class)).isInstanceOf(JdbcEventStorageEngine.class);
        assertThat(context.getBean(TokenStore.class)).isInstanceOf(JdbcTokenStore.class);
        assertThat(context.getBeansOfType(Serializer.class).values())
                .hasSize(3).allSatisfy(s -> assertThat(s).isInstanceOf(JacksonSerializer.class));
        assertThat(context.getBean(Snapshotter.class)).isExactlyInstanceOf(AggregateSnapshotter.class);
        assertThat(context.getBeanNamesForType(
                org.springframework.beans.factory.FactoryBean.class)).noneMatch(n -> n.contains("entityManager"));
        assertThat(context.containsBean("entityManagerFactory")).isFalse();
        assertThat(context.getBeanNamesForType(
                org.axonframework.axonserver.connector.AxonServerConnectionManager.class)).isEmpty();
    }

    @Test
    void registersAreASubscribingProcessorAndThePortsAreBeans() {
        assertThat(context.getBean(EventProcessingConfiguration.class).eventProcessor("registers"))
                .get().isInstanceOf(SubscribingEventProcessor.class);
        assertThat(context.getBean(Registers.class)).isInstanceOf(JdbcRegisters.class);
        assertThat(context.getBean(PolicyInForce.class).current().readableSections(org.careledger.shared.Role.IG_OFFICER)).isEmpty();
    }
}
