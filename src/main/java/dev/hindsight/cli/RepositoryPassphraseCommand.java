package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "passphrase", description = "The passphrase that wraps the repository's data keys.",
        subcommands = RepositoryPassphraseChangeCommand.class)
final class RepositoryPassphraseCommand {
}
