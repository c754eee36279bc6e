package org.careledger.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description (/v3/api-docs, Swagger UI at /swagger-ui.html): every operation needs a bearer token;
 * Swagger UI's Authorize button signs in through the development identity provider (authorization code + PKCE,
 * client {@code careledger-web}), or takes a token pasted in.
 */
@Configuration
class OpenApiConfiguration {

    @Bean
    OpenAPI careLedgerApi() {
        return new OpenAPI()
                .info(new Info().title("CareLedger API").version("1")
                        .description("One shared patient record; every read audited. See docs/api.md."))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("JWT"))
                        .addSecuritySchemes("signIn", new SecurityScheme().type(SecurityScheme.Type.OAUTH2)
                                .flows(new OAuthFlows().authorizationCode(new OAuthFlow()
                                        .authorizationUrl("/oauth2/authorize").tokenUrl("/oauth2/token")
                                        .scopes(new Scopes().addString("openid", "sign in"))))))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("signIn"));
    }
}
