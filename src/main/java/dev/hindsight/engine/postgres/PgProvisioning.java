package dev.hindsight.engine.postgres;

import dev.hindsight.engine.ServerProfile;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The steps of {@link PgCluster#provision}, and the clean-up when one of them fails. */
final class PgProvisioning {
    private static final Logger log = LoggerFactory.getLogger(PgProvisioning.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final PgCluster cluster;
    private final OsUser os;
    private String step = "checking the data directory";

    PgProvisioning(PgCluster cluster) {
        this.cluster = cluster;
        this.os = cluster.osUser();
    }

    void run(String adminUser, String adminPassword, String agentUser, String agentPassword, ServerProfile profile) {
        FileTrees.requireFreshDataDir(cluster.dataDir());
        try {
            step = "creating directories";
            createDirectories();
            step = "running initdb";
            initdb(adminUser, adminPassword);
            step = "writing configuration";
            cluster.writeManagedConfig(cluster.port(), profile);
            cluster.writeHba(agentUser, profile);
            step = "starting the server";
            cluster.start(START_TIMEOUT);
            step = "creating the agent role " + agentUser;
            try (Connection c = cluster.connect(adminUser, adminPassword, "postgres")) {
                PgRoles.createAgent(c, agentUser, agentPassword);
            }
            log.info("provisioned {} (admin {}, agent {})", cluster, adminUser, agentUser);
        } catch (Exception e) {
            cleanUp(e);
            HindsightException he = e instanceof HindsightException h ? h : null;
            throw new HindsightException(he != null ? he.kind() : HindsightException.Kind.FAILED,
                    "could not provision PostgreSQL in " + cluster.dataDir() + " (while " + step + "): " + e.getMessage(),
                    he != null && he.hint() != null ? he.hint() : "see " + cluster.logFile() + "; nothing was left behind",
                    e);
        }
    }

    private void createDirectories() throws IOException {
        cluster.prepareRunDir();
        Path data = cluster.dataDir();
        Files.createDirectories(data);
        // PostgreSQL insists on 0700 (or 0750) for its data directory
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        os.ensureTraversable(data);
        os.giveOwnership(data);
    }

    private void initdb(String adminUser, String adminPassword) throws IOException {
        // the password goes through a private file, never the command line (visible in ps)
        Path pwfile = Files.createTempFile(cluster.runDir(), "pwfile-", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(pwfile, adminPassword + "\n", StandardCharsets.UTF_8);
            os.giveOwnership(pwfile);
            Processes.run(os.command(List.of(cluster.tool("initdb"), "-D", cluster.dataDir().toString(),
                            "--data-checksums", "-E", "UTF8", "--locale=C.UTF-8", "-U", adminUser,
                            "--pwfile=" + pwfile, "-A", "scram-sha-256")),
                    Map.of(), Path.of("/"), Duration.ofMinutes(5));
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /** Best effort: stop a server we started and remove the data directory; report, never mask, the original error. */
    private void cleanUp(Exception cause) {
        try {
            if (cluster.isRunning()) {
                cluster.stop();
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            FileTrees.deleteRecursively(cluster.dataDir());
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
