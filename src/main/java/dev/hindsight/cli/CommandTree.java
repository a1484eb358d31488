package dev.hindsight.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The first two levels of the command tree, built only as far as one command line needs.
 *
 * <p>picocli reads every option of every command class by reflection when it builds a command
 * line: the whole tree took 130-170 ms of a CLI command's start, one path ~20 ms (without the
 * class-data archive). So the groups declare no {@code subcommands}: this tree holds them, and
 * {@link #commandLine} attaches the whole tree only where the words do not name one path
 * (help, usage, a mistyped command), where picocli needs every name to list or suggest them.
 */
final class CommandTree {
    /** A command class and, for a group, the commands under it. */
    record Node(Class<?> command, List<Node> children) {
        String name() {
            return nameOf(command);
        }

        Optional<Node> child(String word) {
            return children.stream().filter(c -> c.name().equals(word)).findFirst();
        }
    }

    static final Node ROOT = group(Main.class,
            leaf(ServeCommand.class),
            group(ServerCommand.class, leaf(ServerCreateCommand.class), leaf(ServerAttachCommand.class),
                    leaf(ServerListCommand.class), leaf(ServerShowCommand.class), leaf(ServerShowDeletedCommand.class),
                    leaf(ServerConnectionStringCommand.class), leaf(ServerRestoreCommand.class),
                    leaf(ServerGeoRestoreCommand.class), leaf(ServerUpdateCommand.class), leaf(ServerUsageCommand.class),
                    leaf(ServerLtrCommand.class), leaf(ServerFirewallRuleCommand.class), leaf(ServerLockCommand.class),
                    leaf(ServerRehearseCommand.class), leaf(ServerReplicaCommand.class), leaf(ServerDeleteCommand.class)),
            group(BackupCommand.class, leaf(BackupListCommand.class), leaf(BackupCreateCommand.class),
                    leaf(BackupExportCommand.class)),
            group(StorageCommand.class, leaf(StorageSiteCommand.class), leaf(StorageRegionPairCommand.class),
                    leaf(StoragePolicySetCommand.class)),
            group(RepositoryCommand.class, leaf(RepositoryVerifyCommand.class), leaf(RepositoryKeyCommand.class),
                    leaf(RepositoryPassphraseCommand.class)),
            group(TokenCommand.class, leaf(TokenCreateCommand.class), leaf(TokenListCommand.class),
                    leaf(TokenRevokeCommand.class)),
            leaf(ConsoleUrlCommand.class),
            leaf(OfflineRestoreCommand.class),
            leaf(CommandLine.HelpCommand.class));

    private CommandTree() {
    }

    /** The command line for these words: the path they name, or the whole tree where they name none. */
    static CommandLine commandLine(String... args) {
        CommandLine root = newCommandLine(ROOT);
        attach(root, ROOT, args, 0);
        return root;
    }

    /** The whole tree, as `hindsight help` sees it. */
    static CommandLine whole() {
        CommandLine root = newCommandLine(ROOT);
        attachAll(root, ROOT);
        return root;
    }

    private static void attach(CommandLine parent, Node node, String[] args, int at) {
        Optional<Node> named = at < args.length ? node.child(args[at]) : Optional.empty();
        if (named.isEmpty() || named.get().command() == CommandLine.HelpCommand.class) {
            // `help` resolves the words after it against the whole tree itself
            attachAll(parent, node);
            return;
        }
        CommandLine child = newCommandLine(named.get());
        parent.addSubcommand(named.get().name(), child);
        attach(child, named.get(), args, at + 1);
    }

    private static void attachAll(CommandLine parent, Node node) {
        for (Node c : node.children()) {
            CommandLine child = newCommandLine(c);
            parent.addSubcommand(c.name(), child);
            attachAll(child, c);
        }
    }

    private static CommandLine newCommandLine(Node node) {
        return new CommandLine(node.command());
    }

    private static Node group(Class<?> command, Node... children) {
        return new Node(command, Arrays.asList(children));
    }

    private static Node leaf(Class<?> command) {
        return new Node(command, List.of());
    }

    static String nameOf(Class<?> command) {
        Command annotation = command.getAnnotation(Command.class);
        if (annotation == null || annotation.name().equals(CommandLine.Model.CommandSpec.DEFAULT_COMMAND_NAME)) {
            throw new IllegalStateException(command.getName() + " has no @Command name");
        }
        return annotation.name();
    }
}
