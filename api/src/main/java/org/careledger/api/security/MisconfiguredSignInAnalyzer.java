package org.careledger.api.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up refused because the development identity provider was asked for beside a real issuer or under a profile:
 * Spring Boot prints the one-line reason instead of a stack trace (registered in {@code META-INF/spring.factories}).
 */
public class MisconfiguredSignInAnalyzer extends AbstractFailureAnalyzer<DevIdentityProvider.Misconfigured> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DevIdentityProvider.Misconfigured cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Production: set careledger.dev-idp.enabled=false (or leave it unset) and keep the real issuer. "
                        + "Development: no profile and no issuer.", cause);
    }
}
