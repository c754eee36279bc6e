package org.careledger.storage;

import org.careledger.policy.LedgerPolicy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import java.time.Clock;

/** Domain services that command handlers receive as parameters (Axon resolves them from Spring beans). */
@Configuration(proxyBeanMethods = false)
public class DomainPolicyConfiguration {

    /**
     * The role policy in force: the latest version activated in the ledger (kept by the views processing group),
     * the shipped default only until the first activation. It is the one {@code PolicyInForce} bean.
     */
    @Bean
    public LedgerPolicy policyInForce(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        return new LedgerPolicy(jdbc, transactions);
    }

    /** The server clock that stamps reads and start-up commands (tests replace it with a @Primary one). */
    @Bean
    @ConditionalOnMissingBean(Clock.class)
    public Clock clock() {
        return Clock.systemUTC();
    }
}
