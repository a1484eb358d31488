package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "token", description = "Make, list and revoke API tokens (admin).")
final class TokenCommand {
}
