package dev.hindsight.cli;

import dev.hindsight.control.UpdateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "update", description = "Change a server's backup settings or tier; a bad value changes nothing. "
        + "A new tier restarts the server.")
final class ServerUpdateCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Mixin
    BackupSettingsOptions settings;
    @Option(names = "--tier", paramLabel = "TIER", description = "burstable, general-purpose or memory-optimized")
    String tier;
    @Option(names = "--rehearsal", paramLabel = "weekly|daily|off",
            description = "how often the daemon rehearses a restore of the newest backup (default: weekly)")
    String rehearsal;
    @Option(names = "--immutability-days", paramLabel = "DAYS",
            description = "0 (off) to 3650: the storage itself refuses to delete or overwrite each new object of the "
                    + "server for this many days after it is written; needs a site that enforces it")
    Integer immutabilityDays;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        // the daemon checks everything (an empty update included), so the API gives the same answers
        ServerShowCommand.print(out(), client().patch("/api/v1/servers/" + name, new UpdateRequest(settings.retention,
                settings.fullInterval, settings.diffInterval, settings.storageSizeGib, settings.redundancy, tier,
                rehearsal, immutabilityDays, settings.maxReplay)), output);
        return ExitCodes.OK;
    }
}
