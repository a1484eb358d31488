package dev.hindsight.engine.postgres;

import dev.hindsight.engine.ServerProfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The configuration files Hindsight manages in a data directory. Managed settings live in their
 * own file, hindsight.conf, included at the end of postgresql.conf: Hindsight can rewrite it (a
 * restored copy gets a new port) without touching what an operator put in postgresql.conf, and
 * ALTER SYSTEM (postgresql.auto.conf, read last) still overrides it.
 */
final class PgConfigFiles {
    static final String MANAGED_FILE = "hindsight.conf";
    static final String INCLUDE_LINE = "include_if_exists = '" + MANAGED_FILE + "'";

    private PgConfigFiles() {
    }

    /** Writes hindsight.conf; returns whether its content changed (false: it was already so). */
    static boolean writeManagedConfig(Path dataDir, int port, Path runDir, ServerProfile profile) throws IOException {
        String conf = managedConfig(port, runDir, profile);
        Path file = dataDir.resolve(MANAGED_FILE);
        boolean changed = !Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(conf);
        Files.writeString(file, conf, StandardCharsets.UTF_8);
        includeFromMain(dataDir);
        return changed;
    }

    static String managedConfig(int port, Path runDir, ServerProfile profile) {
        return """
                # Managed by Hindsight and rewritten by it (tier, firewall rules): it is read after
                # postgresql.conf; use ALTER SYSTEM (postgresql.auto.conf, read last) to override it.
                port = %d
                unix_socket_directories = %s
                # physical replication: Hindsight captures WAL through a replication slot
                wal_level = replica
                max_wal_senders = 10
                max_replication_slots = 10
                password_encryption = 'scram-sha-256'
                # no archive_command: a process per segment is too slow, the slot keeps WAL instead
                archive_mode = off
                """.formatted(port, quote(runDir.toString()))
                + String.join("\n", PgProfileSettings.configLines(profile)) + "\n";
    }

    private static void includeFromMain(Path dataDir) throws IOException {
        Path main = dataDir.resolve("postgresql.conf");
        // a data directory restored from a server whose configuration lived elsewhere (Debian's
        // /etc/postgresql layout) has no postgresql.conf: Hindsight's settings are then all it has
        String existing = Files.exists(main) ? Files.readString(main, StandardCharsets.UTF_8) : "";
        if (!existing.lines().anyMatch(line -> line.strip().equals(INCLUDE_LINE))) {
            Files.writeString(main, (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + INCLUDE_LINE + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /**
     * Local connections and the firewall rules' clients, all with SCRAM: the socket and loopback
     * for every role, each rule's blocks for every role, and the replication pseudo-database for
     * the agent alone and only locally (the admin has no reason to stream WAL). Returns whether
     * the file changed.
     */
    static boolean writeHba(Path dataDir, String agentUser, ServerProfile profile) throws IOException {
        String hba = hba(agentUser, profile);
        Path file = dataDir.resolve("pg_hba.conf");
        boolean changed = !Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(hba);
        Files.writeString(file, hba, StandardCharsets.UTF_8);
        return changed;
    }

    static String hba(String agentUser, ServerProfile profile) {
        PgNames.requireRoleName(agentUser);
        List<String> rules = PgProfileSettings.hbaLines(profile);
        return """
                # Managed by Hindsight and rewritten by it: change access with firewall rules.
                # TYPE  DATABASE     USER   ADDRESS        METHOD
                local   all          all                   scram-sha-256
                host    all          all    127.0.0.1/32   scram-sha-256
                host    all          all    ::1/128        scram-sha-256
                local   replication  %1$s                  scram-sha-256
                host    replication  %1$s   127.0.0.1/32   scram-sha-256
                host    replication  %1$s   ::1/128        scram-sha-256
                """.formatted(agentUser) + (rules.isEmpty() ? "" : String.join("\n", rules) + "\n");
    }

    /** A string literal for postgresql.conf. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
