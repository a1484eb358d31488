package dev.hindsight.repo.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The repository's own description of what it holds: servers and their backups. Stored as a
 * new, numbered version at every change (write-once), each written twice. Log objects are not
 * listed here: their names describe them (see {@link dev.hindsight.repo.Layout}).
 */
public record Catalog(int format, long sequence, Instant writtenAt,
                      List<ServerRecord> servers, List<BackupRecord> backups) {
    public static final int FORMAT = 1;

    public Catalog {
        servers = List.copyOf(servers);
        backups = List.copyOf(backups);
    }

    public static Catalog empty() {
        return new Catalog(FORMAT, 0, Instant.EPOCH, List.of(), List.of());
    }

    public Optional<ServerRecord> server(String id) {
        return servers.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The live (not deleted) server with this name. */
    public Optional<ServerRecord> liveServerNamed(String name) {
        return servers.stream().filter(s -> s.name().equals(name) && !s.deleted()).findFirst();
    }

    /** The deleted servers, the most recently deleted first. */
    public List<ServerRecord> deletedServers() {
        return servers.stream().filter(ServerRecord::deleted)
                .sorted(Comparator.comparing(ServerRecord::deletedAt).reversed()).toList();
    }

    /** Every server that ever had this name, newest first (deleted ones included). */
    public List<ServerRecord> serversNamed(String name) {
        return servers.stream().filter(s -> s.name().equals(name))
                .sorted(Comparator.comparing(ServerRecord::createdAt).reversed()).toList();
    }

    public Optional<BackupRecord> backup(String id) {
        return backups.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** A server's backups, oldest first. */
    public List<BackupRecord> backupsOf(String serverId) {
        return backups.stream().filter(b -> b.serverId().equals(serverId))
                .sorted(Comparator.comparing(BackupRecord::startedAt)).toList();
    }

    public Catalog withServer(ServerRecord server) {
        List<ServerRecord> next = new ArrayList<>(servers);
        next.removeIf(s -> s.id().equals(server.id()));
        next.add(server);
        return new Catalog(format, sequence, writtenAt, next, backups);
    }

    public Catalog withBackup(BackupRecord backup) {
        List<BackupRecord> next = new ArrayList<>(backups);
        next.removeIf(b -> b.id().equals(backup.id()));
        next.add(backup);
        return new Catalog(format, sequence, writtenAt, servers, next);
    }

    public Catalog withoutBackups(java.util.Set<String> ids) {
        List<BackupRecord> next = new ArrayList<>(backups);
        next.removeIf(b -> ids.contains(b.id()));
        return new Catalog(format, sequence, writtenAt, servers, next);
    }

    public Catalog updateBackup(String id, UnaryOperator<BackupRecord> change) {
        return withBackup(change.apply(backup(id).orElseThrow(
                () -> new IllegalStateException("no backup " + id + " in catalog"))));
    }

    /** The next version of this catalog, as it will be written. */
    public Catalog nextVersion(Instant now) {
        return new Catalog(format, sequence + 1, now, servers, backups);
    }
}
