package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "backup", description = "List and take backups.",
        subcommands = {BackupListCommand.class, BackupCreateCommand.class})
final class BackupCommand {
}
