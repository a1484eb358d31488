package dev.hindsight.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CommandTreeTest {
    @Test
    void everyPathOfTheWholeTreeParsesToTheSameCommandWhenBuiltAlone() {
        List<List<String>> paths = new ArrayList<>();
        collect(CommandTree.whole(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(30).contains(List.of("server", "list"), List.of("server", "lock", "create"));
        for (List<String> path : paths) {
            List<String> words = new ArrayList<>(path);
            words.add("--help"); // no required option is checked then
            String[] args = words.toArray(String[]::new);
            CommandLine pruned = CommandTree.commandLine(args);
            List<CommandLine> parsed = pruned.parseArgs(args).asCommandLineList();
            CommandLine whole = CommandTree.whole();
            List<CommandLine> expected = whole.parseArgs(args).asCommandLineList();
            assertThat(parsed.stream().map(c -> c.getCommand().getClass()).toList()).as(String.join(" ", path))
                    .isEqualTo(expected.stream().map(c -> c.getCommand().getClass()).toList());
            assertThat(parsed.get(parsed.size() - 1).getCommandSpec().qualifiedName())
                    .isEqualTo("hindsight " + String.join(" ", path));
        }
    }

    @Test
    void wordsThatNameNoPathGetTheWholeLevelForUsageAndSuggestions() {
        StringWriter err = new StringWriter();
        int rc = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "server", "lsit");
        assertThat(rc).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("'lsit'").contains("see `hindsight server --help`");

        StringWriter usage = new StringWriter();
        assertThat(Main.run(new PrintWriter(usage, true), new PrintWriter(new StringWriter()), "server", "list", "--help"))
                .isZero();
        assertThat(usage.toString()).startsWith("Usage: hindsight server list").contains("--deleted");

        StringWriter out = new StringWriter();
        Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter()), "help", "server");
        assertThat(out.toString()).contains("create").contains("restore").contains("delete");
        assertThat(CommandTree.commandLine("--help").getSubcommands()).containsKeys("server", "backup", "token", "serve");
    }

    @Test
    void everyCommandClassIsInTheTreeOrUnderOneOfItsCommands() throws IOException, URISyntaxException {
        Set<Class<?>> reachable = new HashSet<>();
        reach(CommandTree.ROOT, reachable);
        Path dir = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/hindsight/cli");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = f.getFileName().toString().replace(".class", "");
                Class<?> c;
                try {
                    c = Class.forName("dev.hindsight.cli." + name);
                } catch (ClassNotFoundException e) {
                    continue;
                }
                Command annotation = c.getAnnotation(Command.class);
                if (annotation != null && !annotation.name().equals(CommandLine.Model.CommandSpec.DEFAULT_COMMAND_NAME)
                        && !reachable.contains(c)) {
                    missing.add(c.getName());
                }
            }
        }
        assertThat(missing).as("commands CommandTree does not reach").isEmpty();
    }

    private static void reach(CommandTree.Node node, Set<Class<?>> into) {
        reachAnnotated(node.command(), into);
        node.children().forEach(c -> reach(c, into));
    }

    private static void reachAnnotated(Class<?> command, Set<Class<?>> into) {
        if (into.add(command)) {
            Command annotation = command.getAnnotation(Command.class);
            if (annotation != null) {
                for (Class<?> sub : annotation.subcommands()) {
                    reachAnnotated(sub, into);
                }
            }
        }
    }

    private static void collect(CommandLine cli, List<String> prefix, List<List<String>> into) {
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommand() instanceof CommandLine.HelpCommand) {
                return;
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            into.add(path);
            collect(sub, path, into);
        });
    }
}
