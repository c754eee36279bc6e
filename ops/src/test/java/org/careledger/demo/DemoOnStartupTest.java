package org.careledger.demo;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOnStartupTest {

    @Test
    void twoThousandPatientsOnTheEmbeddedDatabaseNoneOnARealOne() {
        assertThat(DemoOnStartup.patients(new MockEnvironment())).isEqualTo(2000);
        assertThat(DemoOnStartup.patients(new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db/ledger"))).isZero();
    }

    @Test
    void explicitSettingsWin() {
        assertThat(DemoOnStartup.patients(new MockEnvironment().withProperty("careledger.demo.patients", "50")))
                .isEqualTo(50);
        assertThat(DemoOnStartup.patients(new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db/ledger")
                .withProperty("careledger.demo.patients", "50"))).isEqualTo(50);
        assertThat(DemoOnStartup.patients(new MockEnvironment().withProperty("careledger.demo.enabled", "false")))
                .isZero();
        assertThatThrownBy(() -> DemoOnStartup.patients(new MockEnvironment()
                .withProperty("careledger.demo.patients", "-5"))).isInstanceOf(IllegalArgumentException.class);
    }
}
