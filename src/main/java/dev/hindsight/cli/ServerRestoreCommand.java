package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.control.RestoreRequestBody;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", description = "Restore a server to a point in time as a NEW server; returns once it is "
        + "promoted and accepting connections.")
class ServerRestoreCommand extends DaemonCommand {
    @Option(names = "--source-server", required = true)
    String source;
    @Option(names = "--name", required = true, description = "name of the new server")
    String name;
    @Option(names = "--port", description = "port of the new server (default: a free one)")
    Integer port;
    @Mixin
    RestoreTargetOptions target;
    @Option(names = "--backup-redundancy", paramLabel = "R",
            description = "the new server's backup redundancy (default: the source's)")
    String redundancy;
    @Option(names = "--deleted", description = "the source is a deleted server (see `server list --deleted`)")
    boolean deleted;
    @Option(names = "--deleted-at", paramLabel = "TIME", description = "which deleted server of that name, when there "
            + "are several: its deletion time")
    java.time.Instant deletedAt;
    @Option(names = "--check", description = "run the engine's integrity check on the new server before reporting "
            + "success (pg_amcheck --heapallindexed, mariadb-check --extended); a failure removes it")
    boolean check;
    @Option(names = "--no-wait", description = "return at once with the operation id")
    boolean noWait;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        target.checkExactlyOne();
        ApiClient client = client();
        JsonNode op = client.post(path(), new RestoreRequestBody(source, name, target.time(), target.latest,
                target.earliest, port, target.fromBackup, redundancy, deleted || deletedAt != null, deletedAt, check));
        if (noWait) {
            OutputOption.printJson(out(), op);
            return ExitCodes.OK;
        }
        JsonNode result = OperationWaiter.await(client, op.path("id").asText(), err());
        if (output.json()) {
            OutputOption.printJson(out(), result);
        } else {
            out().println("Restored " + (deleted ? "deleted server " : "") + source + what() + " to " + result.path("pointInTime").asText() + " as new server "
                    + name + " (from backup " + result.path("backupId").asText() + ").");
            out().println("Note: " + result.path("note").asText());
            if (result.hasNonNull("check")) {
                out().println("Integrity check passed: " + result.path("check").path("details").asText() + " ("
                        + result.path("check").path("durationMillis").asLong() + " ms).");
            }
            out().println(result.path("connectionString").asText());
            out().flush();
        }
        return ExitCodes.OK;
    }

    String path() {
        return "/api/v1/restores";
    }

    String what() {
        return "";
    }
}
