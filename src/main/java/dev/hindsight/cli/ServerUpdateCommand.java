package dev.hindsight.cli;

import dev.hindsight.control.UpdateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "update", description = "Change a server's backup settings; a bad value changes nothing.")
final class ServerUpdateCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Mixin
    BackupSettingsOptions settings;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        // the daemon checks everything (an empty update included), so the API gives the same answers
        ServerShowCommand.print(out(), client().patch("/api/v1/servers/" + name, new UpdateRequest(settings.retention,
                settings.fullInterval, settings.diffInterval, settings.storageSizeGib, settings.redundancy)), output);
        return ExitCodes.OK;
    }
}
