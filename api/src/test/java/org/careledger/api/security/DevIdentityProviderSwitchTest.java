package org.careledger.api.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When the development identity provider runs: the decision as a table, and the real condition in a context. */
class DevIdentityProviderSwitchTest {

    static final String ISSUER = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

    @ParameterizedTest(name = "enabled={0} realDb={1} issuer={2} profiles={3} -> {4}")
    @CsvSource(nullValues = "-", value = {
            // explicit  real db  issuer  profiles     runs
            "-,          false,   false,  -,           true",   // the README's first command: just run it
            "-,          false,   false,  default,     true",
            "-,          true,    false,  -,           false",  // a real database
            "-,          false,   true,   -,           false",  // a real issuer
            "-,          false,   false,  prod,        false",  // a profile
            "-,          false,   false,  dev,         false",
            "-,          true,    true,   prod,        false",
            "false,      false,   false,  -,           false",
            "false,      true,    true,   prod,        false",
            "true,       false,   false,  -,           true",
            "true,       true,    false,  -,           true",   // development against a local PostgreSQL
            "true,       true,    false,  default,     true",
    })
    void runs_only_in_development(Boolean explicit, boolean realDb, boolean issuer, String profiles, boolean runs) {
        assertThat(DevIdentityProvider.enabled(explicit, realDb, issuer ? ISSUER : null, profiles(profiles)))
                .isEqualTo(runs);
    }

    @Test
    void asked_for_beside_a_real_issuer_or_under_a_profile_it_refuses_in_one_line() {
        assertThatThrownBy(() -> DevIdentityProvider.enabled(true, false, ISSUER, List.of()))
                .isInstanceOf(DevIdentityProvider.Misconfigured.class)
                .hasMessage("careledger.dev-idp.enabled=true and " + ISSUER + " are both set: the development identity "
                        + "provider never runs beside a real issuer; remove one");
        assertThatThrownBy(() -> DevIdentityProvider.enabled(true, true, ISSUER, List.of("prod")))
                .isInstanceOf(DevIdentityProvider.Misconfigured.class).hasMessageContaining(ISSUER);
        assertThatThrownBy(() -> DevIdentityProvider.enabled(true, false, null, List.of("prod")))
                .isInstanceOf(DevIdentityProvider.Misconfigured.class)
                .hasMessage("careledger.dev-idp.enabled=true with profile prod active: the development identity "
                        + "provider runs only without a profile, for development");
    }

    @Configuration
    @Conditional(DevIdentityProvider.Enabled.class)
    static class Probe {
    }

    final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Probe.class);

    @Test
    void the_condition_reads_the_environment_as_the_application_sees_it() {
        context.run(c -> assertThat(c).hasSingleBean(Probe.class));
        context.withPropertyValues("careledger.dev-idp.enabled=true").run(c -> assertThat(c).hasSingleBean(Probe.class));
        context.withPropertyValues(ISSUER + "=https://idp.example.nhs.uk/realms/careledger")
                .run(c -> assertThat(c).doesNotHaveBean(Probe.class));
        context.withPropertyValues("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://idp.example/jwks")
                .run(c -> assertThat(c).doesNotHaveBean(Probe.class));
        context.withPropertyValues("spring.profiles.active=prod").run(c -> assertThat(c).doesNotHaveBean(Probe.class));
        context.withPropertyValues("spring.datasource.url=jdbc:postgresql://db/careledger")
                .run(c -> assertThat(c).doesNotHaveBean(Probe.class));
        context.withPropertyValues("careledger.dev-idp.enabled=true", ISSUER + "=https://idp.example.nhs.uk/realms/x")
                .run(c -> assertThat(NestedExceptionUtils.getMostSpecificCause(c.getStartupFailure()))
                        .isInstanceOf(DevIdentityProvider.Misconfigured.class));
    }

    private static List<String> profiles(String profiles) {
        return profiles == null ? List.of() : Arrays.asList(profiles.split(";"));
    }
}
