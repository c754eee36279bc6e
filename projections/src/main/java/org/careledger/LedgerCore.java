package org.careledger;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.PropertySource;

/**
 * The ledger without the web layer: event store on PostgreSQL, aggregates, registers read model, actuator.
 * The api module's web application and the ops CLI both build on it
 * ({@code new SpringApplicationBuilder(LedgerCore.class)} or {@code @Import(LedgerCore.class)}).
 * <p>
 * Axon's JPA auto-configurations are excluded by name: the ledger uses the JDBC engine, and no Hibernate may
 * ever map its tables (it would map the binary columns to {@code oid}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        // search is CareLedger's own (org.careledger.audit.elasticsearch), only when a URL is configured
        "org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration",
        "org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.elasticsearch.ElasticsearchRestHealthContributorAutoConfiguration",
        "org.axonframework.springboot.autoconfig.JpaAutoConfiguration",
        "org.axonframework.springboot.autoconfig.JpaEventStoreAutoConfiguration",
        "org.axonframework.springboot.autoconfig.legacyjpa.JpaJavaxAutoConfiguration",
        "org.axonframework.springboot.autoconfig.legacyjpa.JpaJavaxEventStoreAutoConfiguration",
        "org.axonframework.springboot.autoconfig.XStreamAutoConfiguration",
        "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration"
})
@ComponentScan(basePackages = {"org.careledger.storage", "org.careledger.registers", "org.careledger.views",
        "org.careledger.bulk",
        "org.careledger.reading", "org.careledger.audit", "org.careledger.integrity"})
@PropertySource("classpath:careledger-core.properties")
public class LedgerCore {
}
