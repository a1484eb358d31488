package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

@Command(name = "lock", description = "Management locks: a delete lock stops a server from being deleted; a read-only "
        + "lock also stops every change of its settings (backups and restores from it go on). Kept in the repository.",
        subcommands = {ServerLockCommand.Create.class, ServerLockCommand.ListLocks.class, ServerLockCommand.Delete.class})
final class ServerLockCommand {
    private ServerLockCommand() {
    }

    private static String path(String server, String lock) {
        return "/api/v1/servers/" + server + "/locks" + (lock == null ? "" : "/" + lock);
    }

    @Command(name = "create", description = "Lock a server (admin).")
    static final class Create extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;
        @Option(names = "--name", required = true, description = "the lock's name")
        String name;
        @Option(names = "--type", required = true, paramLabel = "delete|read-only")
        String type;
        @Option(names = "--notes", description = "why, for whoever finds it")
        String notes;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            Map<String, Object> body = new HashMap<>();
            body.put("type", type);
            body.put("notes", notes);
            JsonNode lock = client().put(path(server, name), body);
            if (output.json()) {
                OutputOption.printJson(out(), lock);
            } else {
                out().println("Server " + server + " has the " + lock.path("type").asText() + " lock '" + name + "' now"
                        + (lock.path("type").asText().equals("delete") ? ": it cannot be deleted."
                        : ": neither deleted nor its settings changed; backups and restores from it go on."));
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List a server's locks.")
    static final class ListLocks extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            JsonNode locks = client().get(path(server, null));
            if (output.json()) {
                OutputOption.printJson(out(), locks);
                return ExitCodes.OK;
            }
            Table table = new Table("NAME", "TYPE", "CREATED", "BY", "NOTES");
            for (JsonNode l : locks) {
                table.row(l.path("name").asText(), l.path("type").asText(), l.path("createdAt").asText(),
                        l.path("createdBy").asText("-"), l.path("notes").asText(""));
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Remove a lock (admin).")
    static final class Delete extends DaemonCommand {
        @Option(names = "--server", required = true)
        String server;
        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() {
            JsonNode lock = client().delete(path(server, name));
            out().println("Removed the " + lock.path("type").asText() + " lock '" + name + "' from server " + server + ".");
            out().flush();
            return ExitCodes.OK;
        }
    }
}
