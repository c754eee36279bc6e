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

    static Outage begin(EmbeddedPostgresServer server) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            ProcessHandle postmaster = ProcessHandle.of(server.pid()).orElse(null);
            if (postmaster != null) {
                postmaster.destroyForcibly();
                postmaster.onExit().join();
            }
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (InetAddress address : InetAddress.getAllByName("localhost")) {
                    ServerSocket socket = new ServerSocket();
                    held.add(socket);
                    socket.bind(new InetSocketAddress(address, server.port()));
                }
                return new Outage(held);
            } catch (BindException e) {
                // the watchdog was quicker and the server listens again: kill it again
                for (ServerSocket socket : held) {
                    socket.close();
                }
            }
        }
        throw new IllegalStateException("could not hold the database's port against the watchdog");
    }

    /** Frees the port: the watchdog's next attempt starts the server. */
    void end() throws IOException {
        for (ServerSocket socket : held) {
            socket.close();
        }
    }
}
