package org.careledger.audit;

import org.careledger.access.Reader;
import org.careledger.audit.trail.AuditLag;
import org.careledger.policy.PolicyInForce;
import org.careledger.reading.RecordRead;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail's lag is measured and shows in health (ADR 18): a per-day alert check that cannot run (here: held
 * back by another session holding the alert's advisory lock) makes the lag grow, the {@code auditLag} health turns
 * DOWN past {@code careledger.audit.lag.max} (1 s in these tests), and it comes back UP with no check pending once
 * the check has run; the check's delay is reported to observers.
 */
class AuditLagTest extends ViewsDatabaseTest {

    @Autowired
    AuditLag lag;
    @Autowired
    DataSource dataSource;
    @Autowired
    PolicyInForce policy;

    @Test
    void aHeldBackAlertCheckTurnsTheHealthDownPastTheLimitAndUpOnceItHasRun() throws Exception {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        OdsCode elsewhere = organisation(OrganisationType.GP_PRACTICE);
        Actor gp = staff(Role.GP, practice);
        Actor outsider = staff(Role.GP, elsewhere);
        NhsNumber patient = patient(gp);
        assertThat(lag.health().getStatus()).isEqualTo(Status.UP);

        List<Long> delays = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.function.LongConsumer observer = delays::add;
        lag.observe(observer);
        LocalDate day = clock.instant().atZone(policy.current().workingHours().zone()).toLocalDate();
        String alertId = "REPEATED_REFUSALS:" + outsider.user() + ":" + day;
        try (Connection blocker = dataSource.getConnection()) {
            try (PreparedStatement lock = blocker.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                lock.setString(1, alertId);
                lock.execute();
            }
            // a refused read commits (audited) and queues its per-day check, which waits for the lock
            RecordRead refused = reads.open(Reader.staff(outsider.user(), Role.GP, elsewhere, Set.of()), patient,
                    Purpose.DIRECT_CARE, Channel.WEB);
            assertThat(refused.allowed()).isFalse();
            assertThat(count("audit_event WHERE event_id = '" + refused.auditEvent() + "'")).isEqualTo(1);
            assertThat(lag.pending()).isPositive();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> lag.health().getStatus().equals(Status.DOWN));
            assertThat(lag.oldestPending()).isGreaterThan(Duration.ofSeconds(1));
            assertThat(lag.health().getDetails()).containsEntry("maxMillis", 1000L);

            try (PreparedStatement unlock = blocker.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                unlock.setString(1, alertId);
                unlock.execute();
            }
        } finally {
            await().atMost(Duration.ofSeconds(30)).until(() -> lag.pending() == 0);
            lag.stopObserving(observer);
        }
        assertThat(lag.health().getStatus()).isEqualTo(Status.UP);
        assertThat(lag.oldestPending()).isZero();
        assertThat(delays).anySatisfy(nanos -> assertThat(nanos).isGreaterThan(Duration.ofSeconds(1).toNanos()));
    }
}
