package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;

@Command(name = "firewall-rule", description = "Which client addresses may connect to a server beyond 127.0.0.1. "
        + "A server with no rule listens on 127.0.0.1 only.",
        subcommands = {ServerFirewallRuleCommand.Create.class, ServerFirewallRuleCommand.ListRules.class,
                ServerFirewallRuleCommand.Delete.class})
final class ServerFirewallRuleCommand {
    private ServerFirewallRuleCommand() {
    }

    private static String path(String server, String rule) {
        return "/api/v1/servers/" + server + "/firewall-rules" + (rule == null ? "" : "/" + rule);
    }

    @Command(name = "create", description = "Allow an inclusive range of IPv4 client addresses (a rule of the same "
            + "name is replaced). The server applies it at once.")
    static final class Create extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;
        @Option(names = {"--name", "--rule-name"}, required = true, description = "the rule's name")
        String name;
        @Option(names = "--start-ip", required = true, paramLabel = "ADDR", description = "e.g. 203.0.113.0")
        String startIp;
        @Option(names = "--end-ip", paramLabel = "ADDR", description = "e.g. 203.0.113.255 (default: the start)")
        String endIp;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            JsonNode change = client().put(path(server, name), Map.of("startIp", startIp,
                    "endIp", endIp == null ? startIp : endIp));
            printChange(out(), change, output);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List a server's firewall rules.")
    static final class ListRules extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            JsonNode rules = client().get(path(server, null));
            if (output.json()) {
                OutputOption.printJson(out(), rules);
            } else {
                printRules(out(), rules);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Remove a firewall rule; the server applies it at once.")
    static final class Delete extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;
        @Option(names = {"--name", "--rule-name"}, required = true)
        String name;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            printChange(out(), client().delete(path(server, name)), output);
            return ExitCodes.OK;
        }
    }

    static void printChange(PrintWriter out, JsonNode change, OutputOption output) {
        if (output.json()) {
            OutputOption.printJson(out, change);
            return;
        }
        printRules(out, change.path("rules"));
        out.println("Server " + change.path("server").asText() + " accepts connections on "
                + change.path("listensOn").asText() + "; " + change.path("applied").asText() + ".");
        out.flush();
    }

    private static void printRules(PrintWriter out, JsonNode rules) {
        if (rules.isEmpty()) {
            out.println("No firewall rules: clients may connect from 127.0.0.1 only.");
            out.flush();
            return;
        }
        Table table = new Table("NAME", "START IP", "END IP");
        for (JsonNode r : rules) {
            table.row(r.path("name").asText(), r.path("startIp").asText(), r.path("endIp").asText());
        }
        table.print(out);
    }
}
