package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "geo-restore", description = "Restore a server from its copy in the paired region only (geo or "
        + "geo-zone redundancy), as a NEW server: works when every site of the primary region is unreachable. The "
        + "latest possible point is what the geo copy holds (`server show` gives its lag).")
final class ServerGeoRestoreCommand extends ServerRestoreCommand {
    @Override
    String path() {
        return "/api/v1/geo-restores";
    }

    @Override
    String what() {
        return " from its geo copy";
    }
}
