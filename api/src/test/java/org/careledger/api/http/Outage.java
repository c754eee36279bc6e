package org.careledger.api.http;

import org.careledger.storage.EmbeddedPostgresServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only: a database outage that lasts until {@link #end()}. The embedded server's postmaster is killed (SIGKILL)
 * and its port taken on every loopback address it listens on, so the watchdog's attempts to start it again fail
 * (PostgreSQL cannot bind) exactly as they would while its disk or host is away; {@link #end()} frees the port and
 * the watchdog, not the test, brings the server back.
 */
final class Outage {

    private final List<ServerSocket> held;

    private Outage(List<ServerSocket> held) {
        this.held = held;
    }

    static Outage begin(EmbeddedPostgresServer server) {
        // right after the kill a child of the dead server can still hold the listening socket for a moment, and the
        // watchdog may win a race and listen again: kill and try to bind again every 50 ms, for up to 30 s
        java.util.concurrent.atomic.AtomicReference<Outage> outage = new java.util.concurrent.atomic.AtomicReference<>();
        org.awaitility.Awaitility.await("the database's port held against the watchdog")
                .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> {
                    outage.set(tryToHold(server));
                    return outage.get() != null;
                });
        return outage.get();
    }

    private static Outage tryToHold(EmbeddedPostgresServer server) throws IOException {
        ProcessHandle postmaster = ProcessHandle.of(server.pid()).orElse(null);
        if (postmaster != null) {
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        }
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (InetAddress address : new java.util.LinkedHashSet<>(List.of(InetAddress.getAllByName("localhost")))) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.bind(new InetSocketAddress(address, server.port()));
            }
            return new Outage(held);
        } catch (BindException e) {
            // the port is still (or again) in use: free what was taken, and try again
            for (ServerSocket socket : held) {
                socket.close();
            }
            return null;
        }
    }

    /** Frees the port: the watchdog's next attempt starts the server. */
    void end() throws IOException {
        for (ServerSocket socket : held) {
            socket.close();
        }
    }
}
