package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "key", description = "The repository's data keys.", subcommands = RepositoryKeyRotateCommand.class)
final class RepositoryKeyCommand {
}
