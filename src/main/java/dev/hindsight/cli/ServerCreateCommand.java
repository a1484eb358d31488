package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.control.CreateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", description = "Create a managed server; returns once it accepts connections. "
        + "Its first full backup starts at once.")
final class ServerCreateCommand extends DaemonCommand {
    @Option(names = "--name", required = true, description = "3-63 characters: a-z, 0-9, -")
    String name;
    @Option(names = "--engine", defaultValue = "postgres", description = "postgres (default) or mariadb")
    String engine;
    @Option(names = "--admin-user", description = "admin login (default: hsadmin)")
    String adminUser;
    @Option(names = "--admin-password", description = "admin password (default: generated)")
    String adminPassword;
    @Option(names = "--port", description = "port on 127.0.0.1 (default: a free one)")
    Integer port;
    @Mixin
    BackupSettingsOptions settings;
    @Option(names = "--tier", paramLabel = "TIER", description = "burstable, general-purpose (default) or "
            + "memory-optimized: the share of this machine's memory the server is sized for, and its connections")
    String tier;
    @Option(names = "--workload", paramLabel = "W",
            description = "dev (local backup redundancy) or prod (geo; the default); --backup-redundancy overrides it")
    String workload;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        ApiClient client = client();
        JsonNode op = client.post("/api/v1/servers", new CreateRequest(name, engine, adminUser, adminPassword,
                port, settings.retention, settings.fullInterval, settings.diffInterval, settings.storageSizeGib,
                settings.redundancy, workload, tier, settings.maxReplay));
        JsonNode server = OperationWaiter.await(client, op.path("id").asText(), err());
        ServerShowCommand.print(out(), server, output);
        if (!output.json()) {
            out().println("Its first full backup is running; see `hindsight backup list --server " + name + "`.");
            out().flush();
        }
        return ExitCodes.OK;
    }
}
