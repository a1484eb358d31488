package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "repository", description = "The repository as a whole: check every copy, rotate its data key, "
        + "change its passphrase.")
final class RepositoryCommand {
}
