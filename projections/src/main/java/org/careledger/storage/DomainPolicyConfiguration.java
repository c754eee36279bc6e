package org.careledger.storage;

import org.careledger.policy.RolePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Domain services that command handlers receive as parameters (Axon resolves them from Spring beans). */
@Configuration(proxyBeanMethods = false)
public class DomainPolicyConfiguration {

    /** The role policy shipped with the domain;. */
    @Bean
    public RolePolicy rolePolicy() {
        return RolePolicy.defaultPolicy();
    }
}
