package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL server programs (initdb, pg_ctl, postgres, …) live. Debian installs each
 * major version under /usr/lib/postgresql/{major}/bin and puts only wrappers on the PATH (and
 * /usr/local/bin may hold unrelated scripts), so the PATH is deliberately not consulted.
 */
public final class PgInstallation {
    public static final String ENV_BIN = "HINDSIGHT_PG_BIN";
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    private final Path binDir;
    private volatile Integer majorVersion;

    private PgInstallation(Path binDir) {
        this.binDir = binDir;
    }

    /** $HINDSIGHT_PG_BIN if set, else the newest major under /usr/lib/postgresql. */
    public static PgInstallation locate() {
        return locate(System.getenv(), DEBIAN_ROOT);
    }

    /** As {@link #locate()}, with the environment and the search root given (for tests). */
    public static PgInstallation locate(Map<String, String> env, Path root) {
        String fromEnv = env.get(ENV_BIN);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return at(Path.of(fromEnv));
        }
        return newestUnder(root).map(PgInstallation::new).orElseThrow(() -> new HindsightException(
                HindsightException.Kind.UNAVAILABLE,
                "PostgreSQL is not installed (no initdb under " + root + "/*/bin)",
                "run scripts/setup, or apt-get install postgresql-15"));
    }

    /** The installation in {@code binDir}; fails if it has no initdb. */
    public static PgInstallation at(Path binDir) {
        if (!Files.isExecutable(binDir.resolve("initdb"))) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                    "PostgreSQL is not installed in " + binDir + " (no initdb there)",
                    "point " + ENV_BIN + " at a PostgreSQL bin directory, or unset it to use /usr/lib/postgresql/*/bin");
        }
        return new PgInstallation(binDir);
    }

    private static Optional<Path> newestUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> majors = Files.list(root)) {
            return majors.filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
                    .max(Comparator.comparing(dir -> versionKey(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** "9.6" → 9006, "15" → 15000: directory names compared as versions, not strings ("9.6" < "15"). */
    private static Integer versionKey(String name) {
        String[] parts = name.split("\\.");
        try {
            return Integer.parseInt(parts[0]) * 1000 + (parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public Path binDir() {
        return binDir;
    }

    /** The path of one program, e.g. {@code tool("pg_ctl")}. */
    public Path tool(String name) {
        return binDir.resolve(name);
    }

    /** The major version (e.g. 15), from {@code pg_ctl --version}, which also runs as root. */
    public int majorVersion() {
        Integer v = majorVersion;
        if (v == null) {
            String out = Processes.run(List.of(tool("pg_ctl").toString(), "--version"), Duration.ofSeconds(30)).output();
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new HindsightException(HindsightException.Kind.FAILED,
                        "could not read the PostgreSQL version from pg_ctl --version: " + out.strip(),
                        "check the installation in " + binDir);
            }
            v = Integer.parseInt(m.group(1));
            majorVersion = v;
        }
        return v;
    }

    @Override
    public String toString() {
        return binDir.toString();
    }
}
