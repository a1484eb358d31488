package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "repository", description = "The repository as a whole: check every copy.",
        subcommands = RepositoryVerifyCommand.class)
final class RepositoryCommand {
}
