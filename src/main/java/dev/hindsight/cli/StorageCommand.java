package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "storage", description = "Where backups are stored: sites (filesystem, S3, Azure Blob) grouped in "
        + "regions, the region paired for geo copies, and the redundancy policy.")
final class StorageCommand {
}
