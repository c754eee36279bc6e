package org.careledger.api;

import org.careledger.LedgerCore;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The web application: the ledger core plus the HTTP edge and the demo loaded on start-up. Boot's own authorization
 * server auto-configuration is off: the development identity provider is configured explicitly
 * ({@code org.careledger.api.security.DevIdentityProvider}) and must not appear in production.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration",
        "org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.elasticsearch.ElasticsearchRestHealthContributorAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration"
})
@Import(LedgerCore.class)
public class CareLedgerApplication {
}
