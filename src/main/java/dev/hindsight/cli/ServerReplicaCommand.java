package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replica", description = "A streaming standby of a managed PostgreSQL server (a replica of a "
        + "managed MariaDB server) on this host, which full and differential backups are taken from so the server keeps its resources (back to the server, with a "
        + "note, while the standby is down or lags more than 64 MiB); log capture stays on the server.",
        subcommands = {ServerReplicaCommand.Create.class, ServerReplicaCommand.Delete.class})
final class ServerReplicaCommand {
    @Command(name = "create", description = "Make the standby (pg_basebackup with its own replication slot; for "
            + "MariaDB a prepared mariadb-backup copy replicating by file and position) and start it; waits until "
            + "it streams.")
    static final class Create extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            ApiClient client = client();
            JsonNode op = client.post("/api/v1/servers/" + server + "/replica", null);
            JsonNode standby = OperationWaiter.await(client, op.path("id").asText(), err());
            if (output.json()) {
                OutputOption.printJson(out(), standby);
            } else {
                out().println("Standby of " + server + " on port " + standby.path("port").asText() + " ("
                        + standby.path("dataDir").asText() + "): backups are taken from it from now on.");
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Stop and remove the standby; backups are taken from the server again.")
    static final class Delete extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;

        @Override
        public Integer call() {
            client().delete("/api/v1/servers/" + server + "/replica");
            out().println("The standby of " + server + " is removed; backups are taken from the server itself.");
            out().flush();
            return ExitCodes.OK;
        }
    }
}
