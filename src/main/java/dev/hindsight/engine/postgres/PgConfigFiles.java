package dev.hindsight.engine.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    static void writeManagedConfig(Path dataDir, int port, Path runDir) throws IOException {
        String conf = """
                # Managed by Hindsight and rewritten by it: put your own settings in postgresql.conf
                # or use ALTER SYSTEM, which override this file.
                listen_addresses = '127.0.0.1'
                port = %d
                unix_socket_directories = %s
                # physical replication: Hindsight captures WAL through a replication slot
                wal_level = replica
                max_wal_senders = 10
                max_replication_slots = 10
                password_encryption = 'scram-sha-256'
                # no archive_command: a process per segment is too slow, the slot keeps WAL instead
                archive_mode = off
                """.formatted(port, quote(runDir.toString()));
        Files.writeString(dataDir.resolve(MANAGED_FILE), conf, StandardCharsets.UTF_8);
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
     * Only local connections, all with SCRAM: the socket and loopback for every role, and the
     * replication pseudo-database for the agent alone (the admin has no reason to stream WAL).
     */
    static void writeDefaultHba(Path dataDir, String agentUser) throws IOException {
        PgNames.requireRoleName(agentUser);
        String hba = """
                # Managed by Hindsight. Only local connections are allowed, all with SCRAM.
                # TYPE  DATABASE     USER   ADDRESS        METHOD
                local   all          all                   scram-sha-256
                host    all          all    127.0.0.1/32   scram-sha-256
                host    all          all    ::1/128        scram-sha-256
                local   replication  %1$s                  scram-sha-256
                host    replication  %1$s   127.0.0.1/32   scram-sha-256
                host    replication  %1$s   ::1/128        scram-sha-256
                """.formatted(agentUser);
        Files.writeString(dataDir.resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
    }

    /** A string literal for postgresql.conf. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
