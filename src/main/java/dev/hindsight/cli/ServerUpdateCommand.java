package dev.hindsight.cli;

import dev.hindsight.HindsightException;
import dev.hindsight.control.UpdateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "update", description = "Change a server's backup settings; a bad value changes nothing.")
final class ServerUpdateCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Option(names = "--backup-retention", paramLabel = "DAYS", description = "1-35 days")
    Integer retention;
    @Option(names = "--full-interval", paramLabel = "DURATION", description = "time between full backups, e.g. 24h")
    String fullInterval;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        if (retention == null && fullInterval == null) {
            throw HindsightException.invalid("nothing to update", "give --backup-retention DAYS and/or --full-interval DURATION");
        }
        ServerShowCommand.print(out(), client().patch("/api/servers/" + name, new UpdateRequest(retention, fullInterval)),
                output);
        return ExitCodes.OK;
    }
}
