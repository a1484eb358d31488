package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.ServerProfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A profile in MariaDB's terms: the InnoDB buffer pool gets half the tier's share of the machine
 * (the rest is for connections, sorts and the OS cache), and the server listens on every address
 * only when a firewall rule allows a client beyond 127.0.0.1. Kept in the run directory
 * ({@value #FILE}) so every start's options file carries it.
 */
final class MariaDbProfileSettings {
    static final String FILE = "profile.cnf";
    private static final long MIB = 1L << 20;

    private MariaDbProfileSettings() {
    }

    static List<String> lines(ServerProfile profile) {
        long share = profile.memoryShare();
        return List.of(
                "# tier " + profile.tier() + ": " + share / MIB + " MiB of this machine's " + profile.machineBytes() / MIB
                        + " MiB",
                "bind-address=" + (profile.listensBeyondLoopback() ? "0.0.0.0" : "127.0.0.1"),
                "max_connections=" + profile.tier().maxConnections(),
                "innodb_buffer_pool_size=" + (share / 2 / MIB) + "M");
    }

    /** Writes the profile's lines; returns whether they changed. */
    static boolean write(Path runDir, ServerProfile profile) throws IOException {
        Files.createDirectories(runDir);
        String text = String.join("\n", lines(profile)) + "\n";
        Path file = runDir.resolve(FILE);
        boolean changed = !Files.exists(file) || !Files.readString(file).equals(text);
        Files.writeString(file, text);
        return changed;
    }

    /** Whether the profile written last lets the server listen beyond 127.0.0.1. */
    static boolean listensBeyondLoopback(Path runDir) throws IOException {
        return read(runDir).contains("bind-address=0.0.0.0");
    }

    /** The lines written last, or none (a server from before tiers: MariaDB's defaults, 127.0.0.1). */
    static List<String> read(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
