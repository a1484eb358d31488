package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "server", description = "Create, inspect, restore and delete database servers.")
final class ServerCommand {
}
