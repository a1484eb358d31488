package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "site", description = "Add and list storage sites.",
        subcommands = {StorageSiteAddCommand.class, StorageSiteListCommand.class})
final class StorageSiteCommand {
}
