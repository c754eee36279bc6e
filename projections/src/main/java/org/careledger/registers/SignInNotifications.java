package org.careledger.registers;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Hears every change to what sign-in is checked against (ADR 34): migration V85's trigger on {@code role_assignment}
 * (a row changed or deleted, the table truncated) and {@code patient} (a row deleted, the table truncated) sends a
 * notification on {@value #CHANNEL}, which PostgreSQL delivers to every listening session when the changing
 * transaction commits, on every node. On each, {@link SignInDirectory} forgets every answer it remembered.
 * <p>
 * One connection of the pool LISTENs, in a thread of its own, and is checked every {@link #CHECK_EVERY} with a query
 * (a broken connection is otherwise only noticed when a notification is due). While it is not listening (not yet
 * connected, the connection broken, the database down, the application stopping) the directory remembers nothing and
 * asks the database on every request; it tries again every second, and logs only when that state changes (no ids:
 * nothing about a person is in the notifications at all).
 */
@Component
public class SignInNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SignInNotifications.class);

    /** The channel V85's trigger notifies on. */
    public static final String CHANNEL = "careledger_sign_in";

    static final Duration CHECK_EVERY = Duration.ofSeconds(10);
    private static final int WAIT_MILLIS = 250;

    private final DataSource dataSource;
    private final SignInDirectory directory;
    private volatile boolean running;
    private volatile Thread thread;
    private boolean warned;

    public SignInNotifications(DataSource dataSource, SignInDirectory directory) {
        this.dataSource = dataSource;
        this.directory = directory;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::listen, "careledger-sign-in-notifications");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        Thread listener;
        synchronized (this) {
            running = false;
            listener = thread;
            thread = null;
        }
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        directory.listening(false);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                PGConnection postgres = connection.unwrap(PGConnection.class);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                directory.listening(true);
                if (warned) {
                    log.info("sign-in notifications heard again: sign-in answers are remembered again");
                    warned = false;
                }
                long nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
                while (running) {
                    PGNotification[] heard = postgres.getNotifications(WAIT_MILLIS);
                    if (heard != null && heard.length > 0) {
                        directory.forget();
                    }
                    if (System.nanoTime() > nextCheck) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("SELECT 1");
                        }
                        nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                directory.listening(false);
                if (running && !warned) {
                    log.warn("sign-in notifications not heard ({}): every sign-in is checked against the database "
                            + "until they are", e.getClass().getSimpleName());
                    warned = true;
                }
            } finally {
                directory.listening(false);
            }
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
