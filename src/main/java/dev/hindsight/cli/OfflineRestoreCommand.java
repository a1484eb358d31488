package dev.hindsight.cli;

import dev.hindsight.HindsightException;
import dev.hindsight.control.Home;
import dev.hindsight.control.Passphrase;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.FileStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Disaster recovery without the daemon: from a repository and its passphrase alone, write a data
 * directory that recovers to the target when started.
 */
@Command(name = "restore", description = "Offline restore from a repository alone into a data directory ready to start.")
final class OfflineRestoreCommand implements Callable<Integer> {
    @Option(names = "--repository", required = true, paramLabel = "PATH", description = "the repository directory")
    Path repository;
    @Option(names = "--server", required = true, description = "the server's name in the repository")
    String server;
    @Option(names = "--target-dir", required = true, paramLabel = "DIR", description = "new data directory (must not exist or be empty)")
    Path targetDir;
    @Option(names = "--port", defaultValue = "5432", description = "port the restored server will listen on (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--socket-dir", defaultValue = "/tmp", description = "its unix socket directory (default: ${DEFAULT-VALUE})")
    Path socketDir;
    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "default: $HINDSIGHT_PASSPHRASE")
    Path passphraseFile;
    @Mixin
    RestoreTargetOptions target;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        target.checkExactlyOne();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(repository)) {
            throw HindsightException.notFound("no repository directory at " + repository, "give the path of the repository");
        }
        char[] passphrase = Passphrase.resolve(new Home(repository.toAbsolutePath().getParent()), passphraseFile, false);
        Repository repo = Repository.open(new FileStore(repository), passphrase);
        List<ServerRecord> named = repo.catalog().serversNamed(server);
        if (named.isEmpty()) {
            throw HindsightException.notFound("the repository has no server named " + server,
                    "servers in it: " + String.join(", ", repo.catalog().servers().stream().map(ServerRecord::name).toList()));
        }
        ServerRecord source = named.get(0);
        Engine engine = Engines.all().get(source.engine());
        RestoreRequest request = target.request();
        RestorePlan plan = engine.planRestore(repo, source, request, null, Instant.now());
        Path staging = targetDir.toAbsolutePath().resolveSibling(targetDir.getFileName() + "-wal");
        err.println("Restoring " + server + " to " + plan.pointInTime() + " from backup " + plan.backup().id()
                + (plan.segments().isEmpty() ? "" : " with " + plan.segments().size() + " WAL segments"));
        err.flush();
        engine.prepareRestore(repo, plan, source, targetDir.toAbsolutePath(), staging, port, socketDir.toAbsolutePath(),
                (phase, done, total) -> { });
        if (source.engine().equals("postgres")) {
            out.println("Data directory " + targetDir.toAbsolutePath() + " is ready; it recovers to " + plan.pointInTime()
                    + " and promotes when started, e.g.:");
            out.println("  pg_ctl -D " + targetDir.toAbsolutePath() + " -l " + targetDir.toAbsolutePath() + ".log start");
            out.println("Its WAL is staged in " + staging + "; remove that once the server is promoted.");
        } else {
            out.println("Data directory " + targetDir.toAbsolutePath() + " holds the data as of " + plan.pointInTime()
                    + " (binary log already replayed); start mariadbd on it with --datadir="
                    + targetDir.toAbsolutePath() + " and a server_id of its own.");
        }
        out.println("Login: " + source.adminUser() + " / " + source.adminPassword() + " on port " + port
                + "; " + engine.restoredAccessNote() + ".");
        out.flush();
        return ExitCodes.OK;
    }
}
