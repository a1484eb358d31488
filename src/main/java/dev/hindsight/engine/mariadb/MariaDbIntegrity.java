package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.IntegrityCheck;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.util.Processes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * mariadb-check --all-databases --extended: CHECK TABLE … EXTENDED on every table. It exits 0
 * even when a table reports an error, so the verdict is read from its lines: a table's status
 * other than OK, or any "error" line, fails the check.
 */
final class MariaDbIntegrity {
    static final Duration TIMEOUT = Duration.ofHours(2);

    private MariaDbIntegrity() {
    }

    static IntegrityCheck run(ServerSpec server, Credentials admin) {
        long started = System.nanoTime();
        // --no-defaults first: a password in my.cnf or ~/.my.cnf would win over MYSQL_PWD
        List<String> command = List.of(MariaDbInstallation.locate().tool("mariadb-check").toString(),
                "--no-defaults", "--all-databases", "--extended", "--protocol=TCP", "-h", "127.0.0.1", "-P",
                Integer.toString(server.port()), "-u", admin.user());
        Processes.Result result = Processes.runAllowingFailure(command, Map.of("MYSQL_PWD", admin.password()), TIMEOUT);
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<String> problems = problems(result.output());
        String shown = String.join(" ", command);
        if (result.succeeded() && problems.isEmpty()) {
            long tables = result.output().lines().filter(l -> l.strip().endsWith("OK")).count();
            return new IntegrityCheck(shown, true, tables + " tables checked, all OK", millis);
        }
        return new IntegrityCheck(shown, false, problems.isEmpty() ? result.tail().strip()
                : String.join("\n", problems.subList(0, Math.min(20, problems.size()))), millis);
    }

    /**
     * The lines that say something is wrong (errors, statuses other than OK), each with the table
     * it is about: mariadb-check names a table on a line of its own, then its findings.
     */
    static List<String> problems(String output) {
        List<String> problems = new java.util.ArrayList<>();
        String table = "?";
        for (String line : output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            java.util.regex.Matcher named = TABLE.matcher(line);
            if (named.matches()) {
                table = named.group(1);
                if (named.group(2) != null && !named.group(2).isBlank() && !named.group(2).strip().equals("OK")) {
                    problems.add(table + ": " + named.group(2).strip());
                }
                continue;
            }
            String lower = line.toLowerCase();
            if (lower.startsWith("error") || lower.startsWith("status") && !line.endsWith("OK")) {
                problems.add(table + ": " + line.replaceAll("\\s+", " "));
            }
        }
        return problems;
    }

    /** "db.table" alone or with its status ("shop.orders    OK"). */
    private static final java.util.regex.Pattern TABLE = java.util.regex.Pattern.compile("(\\S+\\.\\S+)(\\s+.*)?");
}
