package org.careledger.storage;

import org.careledger.policy.PolicyInForce;
import org.careledger.policy.RolePolicy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Domain services that command handlers receive as parameters (Axon resolves them from Spring beans). */
@Configuration(proxyBeanMethods = false)
public class DomainPolicyConfiguration {

    /** The role policy shipped with the domain, unless the ledger's own policy history provides one. */
    @Bean
    @ConditionalOnMissingBean(PolicyInForce.class)
    public PolicyInForce policyInForce() {
        return PolicyInForce.fixed(RolePolicy.defaultPolicy());
    }
}
