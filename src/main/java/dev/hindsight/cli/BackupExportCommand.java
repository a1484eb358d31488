package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "export", description = "Write a backup, decrypted and self-contained, into a directory on the "
        + "daemon's host, in the database's own format: PostgreSQL as pg_basebackup's plain or tar output with a "
        + "backup_manifest (pg_verifybackup checks it), MariaDB as mariadb-backup's xbstream; with --restore-time or "
        + "--latest, also the log up to that point and how to replay it. RESTORE.txt in it says what to run.")
final class BackupExportCommand extends DaemonCommand {
    @Option(names = "--server", required = true)
    String server;
    @Option(names = "--backup", paramLabel = "ID", description = "the backup to export (see backup list)")
    String backup;
    @Option(names = "--restore-time", paramLabel = "TIME",
            description = "export the server as it was then: a backup and the log after it (ISO-8601 UTC)")
    String restoreTime;
    @Option(names = "--latest", description = "export the server at its latest restore point")
    boolean latest;
    @Option(names = "--to", required = true, paramLabel = "DIR",
            description = "a directory that does not exist yet or is empty; relative paths are taken from here")
    Path to;
    @Option(names = "--format", paramLabel = "plain|tar|xbstream",
            description = "PostgreSQL: plain (a data directory, the default) or tar; MariaDB: xbstream")
    String format;
    @Option(names = "--deleted", description = "export a deleted server of that name")
    boolean deleted;
    @Option(names = "--deleted-at", paramLabel = "TIME", description = "which deleted server, if several had the name")
    String deletedAt;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("backupId", backup);
        body.put("restoreTime", restoreTime == null ? null : RestoreTargetOptions.parseTime(restoreTime).toString());
        body.put("latest", latest);
        body.put("to", to.toAbsolutePath().normalize().toString());
        body.put("format", format);
        body.put("deleted", deleted);
        body.put("deletedAt", deletedAt == null ? null : RestoreTargetOptions.parseTime(deletedAt).toString());
        ApiClient client = client();
        JsonNode op = client.post("/api/v1/servers/" + server + "/exports", body);
        JsonNode export = OperationWaiter.await(client, op.path("id").asText(), err());
        if (output.json()) {
            OutputOption.printJson(out(), export);
        } else {
            out().println("Exported server " + export.path("server").asText() + " (backup "
                    + export.path("backupId").asText() + ", restores to " + export.path("pointInTime").asText()
                    + ") to " + export.path("dir").asText() + " as " + export.path("format").asText() + ": "
                    + OperationWaiter.bytes(export.path("bytes").asLong()) + ", decrypted.");
            for (JsonNode line : export.path("howToRestore")) {
                out().println(line.asText());
            }
            out().flush();
        }
        return ExitCodes.OK;
    }
}
