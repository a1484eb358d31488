package dev.hindsight.cli;

import picocli.CommandLine.Command;

@Command(name = "server", description = "Create, inspect, restore and delete database servers.",
        subcommands = {ServerCreateCommand.class, ServerAttachCommand.class, ServerListCommand.class, ServerShowCommand.class,
                ServerShowDeletedCommand.class,
                ServerConnectionStringCommand.class, ServerRestoreCommand.class, ServerGeoRestoreCommand.class, ServerUpdateCommand.class, ServerUsageCommand.class, ServerLtrCommand.class, ServerFirewallRuleCommand.class, ServerLockCommand.class, ServerRehearseCommand.class, ServerReplicaCommand.class,
                ServerDeleteCommand.class})
final class ServerCommand {
}
