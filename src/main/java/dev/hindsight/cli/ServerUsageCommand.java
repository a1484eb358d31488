package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "usage", description = "Storage used by a server's backups: full, differential and log, stored and logical, "
        + "the free allowance and what is billable.")
final class ServerUsageCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode u = client().get("/api/v1/servers/" + name + "/usage");
        if (output.json()) {
            OutputOption.printJson(out(), u);
            return ExitCodes.OK;
        }
        Table table = new Table("KIND", "COUNT", "STORED", "LOGICAL");
        for (String kind : new String[]{"full", "differential", "log", "ltr"}) {
            JsonNode part = u.path(kind);
            table.row(kind.equals("ltr") ? "ltr (past the window)" : kind, part.path("count").asText(), OperationWaiter.bytes(part.path("storedBytes").asLong()),
                    OperationWaiter.bytes(part.path("logicalBytes").asLong()));
        }
        table.row("total", "", OperationWaiter.bytes(u.path("totalStoredBytes").asLong()),
                OperationWaiter.bytes(u.path("totalLogicalBytes").asLong()));
        table.print(out());
        out().printf("compression ratio:   %.1fx%n", u.path("compressionRatio").asDouble());
        out().println("free allowance:      " + OperationWaiter.bytes(u.path("allowanceBytes").asLong())
                + " (the provisioned storage size)");
        out().println("billable:            " + OperationWaiter.bytes(u.path("billableBytes").asLong()));
        out().println("immutable now:       " + OperationWaiter.bytes(u.path("immutableBytes").asLong())
                + " (the storage refuses to delete it yet)");
        out().println("GB-month this month: " + (u.path("gbMonthThisMonth").isNull() ? "- (no hourly sample yet)"
                : String.format("%.3f over %d hourly samples", u.path("gbMonthThisMonth").asDouble(),
                u.path("samplesThisMonth").asInt())));
        out().flush();
        return ExitCodes.OK;
    }
}
