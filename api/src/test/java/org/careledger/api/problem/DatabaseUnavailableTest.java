package org.careledger.api.problem;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures mean "the database could not be reached" (503), found under a database outage with concurrent
 * readers: a read whose connection broke (SQLSTATE 57P01) is rolled back on a connection the pool has already
 * closed, and Spring reports the failed rollback ("Connection is closed", no SQLSTATE) with the first failure kept as
 * its application exception.
 */
class DatabaseUnavailableTest {

    private static TransactionSystemException rollbackFailedAfter(Throwable first) {
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollback.initApplicationException(first);
        return rollback;
    }

    @Test
    void aRollbackThatFailedAfterTheConnectionBrokeIsTheDatabaseBeingUnavailable() {
        SQLException serverGone = new SQLException("terminating connection due to unexpected postmaster exit", "57P01");
        assertThat(DatabaseUnavailable.isCause(rollbackFailedAfter(serverGone))).isTrue();
        assertThat(DatabaseUnavailable.isCause(rollbackFailedAfter(
                new DataAccessResourceFailureException("gone", serverGone)))).isTrue();
    }

    @Test
    void aRollbackThatFailedAfterAnotherErrorIsNot() {
        assertThat(DatabaseUnavailable.isCause(rollbackFailedAfter(new IllegalStateException("a bug")))).isFalse();
        assertThat(DatabaseUnavailable.isCause(rollbackFailedAfter(new SQLException("duplicate key", "23505"))))
                .isFalse();
        assertThat(DatabaseUnavailable.isCause(new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed")))).isFalse();
    }
}
