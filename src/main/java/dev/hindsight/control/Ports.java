package dev.hindsight.control;

import dev.hindsight.util.FreePort;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The port a new server listens on: the one asked for if it is free, else one free on this host and in the control database. */
public record Ports(ControlDb db) {
    private static final int ATTEMPTS = 20;

    int choose(Integer requested) {
        if (requested != null) {
            if (db.portTaken(requested) || !free(requested)) {
                throw HindsightException.conflict("port " + requested + " is already in use",
                        "choose another port, or leave --port out to get a free one");
            }
            return requested;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = FreePort.find();
            if (!db.portTaken(port)) {
                return port;
            }
        }
        throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "no free port found", "pass --port N");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
