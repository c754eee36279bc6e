package org.careledger.api.security;

import org.careledger.api.CareLedgerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real application refuses to start when the development identity provider is asked for beside a real issuer,
 * and says why in one line (no stack trace). It fails while reading its configuration, before any database starts.
 */
@ExtendWith(OutputCaptureExtension.class)
class SignInMisconfiguredStartupTest {

    @Test
    void development_provider_and_a_real_issuer_together_stop_start_up_with_a_one_line_reason(CapturedOutput output) {
        assertThatThrownBy(() -> SpringApplication.run(CareLedgerApplication.class,
                "--careledger.dev-idp.enabled=true",
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example.nhs.uk/realms/careledger",
                "--careledger.embedded-db.data-dir=target/test-pg/never-started",
                "--server.port=0"))
                .hasRootCauseInstanceOf(DevIdentityProvider.Misconfigured.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("careledger.dev-idp.enabled=true and spring.security.oauth2.resourceserver.jwt.issuer-uri "
                        + "are both set: the development identity provider never runs beside a real issuer; remove one")
                .doesNotContain("\tat org.");
        assertThat(new java.io.File("target/test-pg/never-started")).as("no database was started").doesNotExist();
    }

    @Test
    void development_provider_under_a_profile_stops_start_up_with_a_one_line_reason(CapturedOutput output) {
        assertThatThrownBy(() -> SpringApplication.run(CareLedgerApplication.class,
                "--careledger.dev-idp.enabled=true", "--spring.profiles.active=prod",
                "--careledger.embedded-db.data-dir=target/test-pg/never-started", "--server.port=0"))
                .hasRootCauseInstanceOf(DevIdentityProvider.Misconfigured.class);
        assertThat(output.getOut() + output.getErr())
                .contains("careledger.dev-idp.enabled=true with profile prod active: the development identity provider "
                        + "runs only without a profile, for development")
                .doesNotContain("\tat org.");
    }
}
