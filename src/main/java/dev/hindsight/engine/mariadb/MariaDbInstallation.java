package dev.hindsight.engine.mariadb;

import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Processes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MariaDB programs on this host, from Debian's packages: the server ({@code mariadbd}, in
 * sbin), and the client-side tools Hindsight runs ({@code mariadb-install-db},
 * {@code mariadb-admin}, {@code mariadb-backup}, {@code mariadb-binlog}).
 */
public final class MariaDbInstallation {
    private static final Pattern VERSION = Pattern.compile("Ver (\\d+)\\.(\\d+)\\.(\\d+)-MariaDB");
    private static final List<Path> SEARCH = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"));
    private static final String INSTALL_HINT = "install MariaDB from the distribution's packages (Debian:"
            + " apt-get install mariadb-server mariadb-client mariadb-backup), or run scripts/setup";

    private final Path server;
    private final Map<String, Path> tools;

    private MariaDbInstallation(Path server, Map<String, Path> tools) {
        this.server = server;
        this.tools = tools;
    }

    /** Finds the server and the tools; a clear error naming what is missing and how to install it. */
    public static MariaDbInstallation locate() {
        return locate(SEARCH);
    }

    static MariaDbInstallation locate(List<Path> search) {
        Path server = find(search, "mariadbd");
        Map<String, Path> tools = new java.util.HashMap<>();
        for (String tool : List.of("mariadb-install-db", "mariadb-admin", "mariadb-backup", "mbstream",
                "mariadb-binlog", "mariadb", "mariadb-check")) {
            tools.put(tool, find(search, tool));
        }
        return new MariaDbInstallation(server, Map.copyOf(tools));
    }

    private static Path find(List<Path> search, String program) {
        for (Path dir : search) {
            Path candidate = dir.resolve(program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                "MariaDB is not installed here: no " + program + " in " + search, INSTALL_HINT);
    }

    /** The server program, {@code mariadbd}. */
    public Path server() {
        return server;
    }

    /** A client-side tool by name, e.g. {@code mariadb-backup}. */
    public Path tool(String name) {
        Path tool = tools.get(name);
        if (tool == null) {
            throw new IllegalArgumentException("not a MariaDB tool Hindsight uses: " + name);
        }
        return tool;
    }

    /** The server's version as {@code major.minor.patch}, from {@code mariadbd --version}. */
    public String version() {
        Processes.Result r = Processes.run(List.of(server.toString(), "--version"), Duration.ofSeconds(30));
        return parseVersion(r.output());
    }

    static String parseVersion(String output) {
        Matcher m = VERSION.matcher(output);
        if (!m.find()) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "cannot read the MariaDB version from: " + output.strip(), INSTALL_HINT);
        }
        return m.group(1) + "." + m.group(2) + "." + m.group(3);
    }
}
