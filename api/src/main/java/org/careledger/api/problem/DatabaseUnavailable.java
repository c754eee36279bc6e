package org.careledger.api.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * A request that fails because the database cannot be reached answers 503 problem+json
 * ({@link Problem#SERVICE_UNAVAILABLE}) with {@code Retry-After}, whatever wraps the cause (Axon, Spring's
 * transaction manager, JDBC). It runs before the {@code @ExceptionHandler}s ({@link ProblemAdvice}) and leaves every
 * other exception to them. A failed connection means nothing was written: the transaction never began, or the server
 * rolled it back when the connection broke.
 */
@Component
public class DatabaseUnavailable implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);
    /** Seconds a client should wait: the pool tries again on the next request, the embedded server restarts in about this. */
    public static final String RETRY_AFTER_SECONDS = "5";
    /** PostgreSQL's SQLSTATEs for a server shutting down, crashed or starting up (class 08 is any connection failure). */
    private static final Set<String> SERVER_GONE = Set.of("57P01", "57P02", "57P03");

    private final ProblemResponses responses;

    public DatabaseUnavailable(ProblemResponses responses) {
        this.responses = responses;
    }

    /** Whether {@code e} or one of its causes says the database could not be reached. */
    public static boolean isCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof CannotCreateTransactionException
                    || t instanceof DataAccessResourceFailureException || t instanceof ConnectException) {
                return true;
            }
            // a rollback that failed because the pool had already closed the broken connection (its SQLException has no
            // SQLState): what failed first, the application's exception, says whether the database was gone
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && rollback.getApplicationException() != e) {
                return isCause(rollback.getApplicationException());
            }
            if (onClosedConnection(t)) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || SERVER_GONE.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A statement or rollback on a connection the pool had already closed ({@code "Connection is closed"}, no
     * SQLSTATE), with no first failure kept: Axon's unit of work rolls back through the transaction manager without
     * naming what failed, and a request that goes on using its connection after the server went away meets the pool's
     * closed proxy. The pool (HikariCP) closes a connection in use only after a fatal connection error on it, so the
     * database was unreachable; whether a commit that broke got through cannot be known, so the answer for this case
     * does not say "nothing was written" ({@link #resolveException}).
     */
    static boolean onClosedConnection(Throwable t) {
        return t instanceof SQLException closed && closed.getSQLState() == null
                && "Connection is closed".equals(closed.getMessage())
                || batchOnClosedConnection(t);
    }

    /**
     * The PostgreSQL driver's way of saying a batch's connection closed under it (found in CI under an outage: the
     * event append of {@code POST /api/patients/{nhs}} answered 500): its batch handler asks the connection for
     * auto-commit, the closed connection throws, and the driver turns that into an {@link AssertionError} with no
     * cause. Recognised by the driver's own class at the top of the trace and its message, nothing wider.
     */
    private static boolean batchOnClosedConnection(Throwable t) {
        StackTraceElement[] trace = t instanceof AssertionError ? t.getStackTrace() : null;
        return trace != null && trace.length > 0
                && trace[0].getClassName().equals("org.postgresql.jdbc.BatchResultHandler")
                && String.valueOf(t.getMessage()).contains("getAutoCommit() should not throw");
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception e) {
        if (!isCause(e) || response.isCommitted()) {
            return null;
        }
        // the route's pattern (/api/patients/{nhs}/record), never the request's own path or query
        Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        log.warn("database unavailable: {} {} ({})", request.getMethod(), route == null ? "(no route)" : route,
                e.getClass().getSimpleName());
        try {
            response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
            boolean unknown = false;
            for (Throwable t = e; t != null && !unknown; t = t.getCause() == t ? null : t.getCause()) {
                unknown = onClosedConnection(t);
            }
            responses.write(request, response, Problem.SERVICE_UNAVAILABLE, unknown
                    ? "The record store could not be reached while this request finished. A change is stored whole "
                    + "or not at all; check the current state before retrying."
                    : "The record store cannot be reached just now; nothing was written. Try again shortly.");
        } catch (IOException io) {
            return null;
        }
        return new ModelAndView();
    }

    @Override
    public int getOrder() {
        // before the composite of @ExceptionHandler resolvers (order 0)
        return -1;
    }
}
