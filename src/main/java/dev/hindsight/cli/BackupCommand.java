package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "backup", description = "List, take and export backups.")
final class BackupCommand {
}
