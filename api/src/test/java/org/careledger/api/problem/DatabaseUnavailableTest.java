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
                new SQLException("Connection is open", (String) null)))).isFalse();
        assertThat(DatabaseUnavailable.isCause(new TransactionSystemException("JDBC commit failed",
                new SQLException("deadlock detected", "40P01")))).isFalse();
    }

    @Test
    void aRollbackOnAConnectionThePoolClosedWithNoFirstFailureKeptIsTheDatabaseBeingUnavailable() {
        // Axon's unit of work rolls back through the transaction manager without naming what failed first (found
        // under an outage: GET /api/patients/{nhs}/record answered 500); the pool closes a connection in use only
        // after a fatal connection error on it
        TransactionSystemException axonRollback = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertThat(DatabaseUnavailable.isCause(axonRollback)).isTrue();
        // a statement on the pool's closed proxy later in the same request (the sign-in check, found in CI)
        assertThat(DatabaseUnavailable.isCause(new org.springframework.jdbc.UncategorizedSQLException("select", "SELECT 1",
                new SQLException("Connection is closed")))).isTrue();
        assertThat(DatabaseUnavailable.isCause(rollbackFailedAfter(new IllegalStateException("x"))))
                .as("with the first failure kept, that failure decides").isFalse();
    }

    private static AssertionError driverAssertion(String atClass, String message) {
        AssertionError error = new AssertionError(message);
        error.setStackTrace(new StackTraceElement[] {
                new StackTraceElement(atClass, "isAutoCommit", "BatchResultHandler.java", 115),
                new StackTraceElement("org.postgresql.jdbc.PgStatement", "executeBatch", "PgStatement.java", 915)});
        return error;
    }

    @Test
    void theDriversAssertionForABatchOnAClosedConnectionIsTheDatabaseBeingUnavailableWhateverWrapsIt() {
        // found in CI under an outage: the event append's batch met a closed connection; the driver threw an
        // AssertionError with no cause, Spring wrapped it ("Handler dispatch failed"), and it answered 500
        AssertionError batch = driverAssertion("org.postgresql.jdbc.BatchResultHandler",
                "pgStatement.getConnection().getAutoCommit() should not throw");
        assertThat(DatabaseUnavailable.isCause(batch)).isTrue();
        assertThat(DatabaseUnavailable.isCause(new jakarta.servlet.ServletException("Handler dispatch failed", batch)))
                .isTrue();
        assertThat(DatabaseUnavailable.isCause(rollbackFailedAfter(batch))).as("kept as the first failure").isTrue();
        assertThat(DatabaseUnavailable.onClosedConnection(batch)).as("its fate unknown, said so").isTrue();
        // nothing wider: the same words from elsewhere, or another assertion in the driver, are not an outage
        assertThat(DatabaseUnavailable.isCause(driverAssertion("org.careledger.Something",
                "pgStatement.getConnection().getAutoCommit() should not throw"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(driverAssertion("org.postgresql.jdbc.BatchResultHandler",
                "another invariant"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(new AssertionError("pgStatement.getConnection().getAutoCommit() "
                + "should not throw"))).isFalse();
    }
}
