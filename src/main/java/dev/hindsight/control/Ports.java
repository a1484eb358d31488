package dev.hindsight.control;

import dev.hindsight.repo.Repository;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The port a new server listens on: the one asked for if it is free, else one free on this host,
 * in the control database and among the standbys the catalog records (a stopped standby's port
 * looks free on the host, but it comes back on it).
 */
public record Ports(ControlDb db, Repository repository) {
    private static final int ATTEMPTS = 20;

    int choose(Integer requested) {
        if (requested != null) {
            if (taken(requested) || !free(requested)) {
                throw HindsightException.conflict("port " + requested + " is already in use",
                        "choose another port, or leave --port out to get a free one");
            }
            return requested;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = FreePort.find();
            if (!taken(port)) {
                return port;
            }
        }
        throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "no free port found", "pass --port N");
    }

    private boolean taken(int port) {
        if (db.portTaken(port)) {
            return true;
        }
        try {
            return repository.catalog().servers().stream()
                    .anyMatch(s -> s.standby() != null && s.standby().port() == port);
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "cannot read the catalog to choose a"
                    + " free port: " + e.getMessage(), "check the repository's storage, or pass --port N", e);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
