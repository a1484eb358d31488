package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "backup", description = "List, take and export backups.",
        subcommands = {BackupListCommand.class, BackupCreateCommand.class, BackupExportCommand.class})
final class BackupCommand {
}
