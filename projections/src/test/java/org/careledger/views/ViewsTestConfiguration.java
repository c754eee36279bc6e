package org.careledger.views;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** The views tests' one addition to the ledger core: a clock they can move. */
@Configuration(proxyBeanMethods = false)
public class ViewsTestConfiguration {

    @Bean
    @Primary
    public MutableClock testClock() {
        return new MutableClock();
    }
}
