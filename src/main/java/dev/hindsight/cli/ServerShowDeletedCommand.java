package dev.hindsight.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

@Command(name = "show-deleted", description = "Show a deleted server: when it was deleted, whether its final log backup "
        + "was taken, its restore window (the latest point is its final log backup) and until when its backups stay.")
final class ServerShowDeletedCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Option(names = "--deleted-at", paramLabel = "TIME", description = "which one, when several servers of that name "
            + "were deleted (as `server list --deleted` prints it)")
    String deletedAt;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        String query = deletedAt == null ? "" : "?deletedAt=" + URLEncoder.encode(deletedAt, StandardCharsets.UTF_8);
        ServerShowCommand.print(out(), client().get("/api/v1/deleted-servers/" + name + query), output);
        return ExitCodes.OK;
    }
}
