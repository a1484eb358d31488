package dev.hindsight.cli;

import dev.hindsight.control.Home;
import dev.hindsight.control.Passphrase;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.Restorer;
import dev.hindsight.engine.ServerPlans;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.JitWarmup;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.PlacedStore;
import dev.hindsight.storage.SiteConfig;
import dev.hindsight.storage.Storage;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.StorageConfigFile;
import dev.hindsight.store.FileStore;
import dev.hindsight.util.HindsightException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
@Command(name = "restore", description = "Offline restore from a repository alone (a directory, or any site: "
        + "S3, Azure, the geo copy) into a data directory ready to start.")
final class OfflineRestoreCommand implements Callable<Integer> {
    @Option(names = "--repository", paramLabel = "PATH", description = "the repository directory (a filesystem copy)")
    Path repository;
    @Option(names = "--site", paramLabel = "NAME", description = "instead of --repository: a site of the storage "
            + "configuration (any type; every copy of it is read, a damaged one is passed over)")
    String site;
    @Option(names = "--storage-config", paramLabel = "FILE",
            description = "with --site: the storage configuration (default: the home's storage.json)")
    Path storageConfig;
    @Option(names = "--server", required = true, description = "the server's name in the repository")
    String server;
    @Option(names = "--deleted", description = "the server was deleted: restore it up to its final log backup")
    boolean deleted;
    @Option(names = "--deleted-at", paramLabel = "TIME", description = "which deleted server of that name, when there "
            + "are several: its deletion time")
    Instant deletedAt;
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
        JitWarmup.startInBackground(); // the whole backup is decrypted here, not in a daemon
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Repository repo = open();
        ServerRecord source;
        if (deleted || deletedAt != null) {
            source = dev.hindsight.control.DeletedServers.find(repo.catalog(), server, deletedAt);
        } else {
            List<ServerRecord> named = repo.catalog().serversNamed(server);
            if (named.isEmpty()) {
                throw HindsightException.notFound("the repository has no server named " + server, "servers in it: "
                        + String.join(", ", repo.catalog().servers().stream().map(ServerRecord::name).toList()));
            }
            source = named.get(0);
        }
        Engine engine = Engines.all().get(source.engine());
        RestoreRequest request = target.request();
        // a deleted server's final log backup held everything it committed up to then
        RestorePlan plan = ServerPlans.restore(engine, repo, source, request, source.finalLogAt(), Instant.now());
        Path staging = targetDir.toAbsolutePath().resolveSibling(targetDir.getFileName() + "-wal");
        err.println("Restoring " + server + " to " + plan.pointInTime() + " from backup " + plan.backup().id()
                + engine.restorer().logToStage(plan).map(log -> " with " + log).orElse(""));
        err.flush();
        Restorer.OfflineTarget into = new Restorer.OfflineTarget(targetDir.toAbsolutePath(), staging, port,
                socketDir.toAbsolutePath());
        engine.restorer().prepareOffline(repo, plan, source, into, (phase, done, total) -> { });
        engine.restorer().howToStart(into, plan).forEach(out::println);
        out.println("Login: " + source.adminUser() + " / " + source.adminPassword() + " on port " + port
                + "; " + engine.restorer().restoredAccessNote() + ".");
        out.flush();
        return ExitCodes.OK;
    }

    /** The repository named by --repository (a directory) or by --site (any site's copies, read with healing). */
    private Repository open() throws java.io.IOException {
        if ((repository == null) == (site == null)) {
            throw HindsightException.invalid("give exactly one of --repository and --site",
                    "--repository /path/to/repository, or --site NAME [--storage-config FILE]");
        }
        if (repository != null) {
            if (!Files.isDirectory(repository)) {
                throw HindsightException.notFound("no repository directory at " + repository,
                        "give the path of the repository");
            }
            char[] passphrase = Passphrase.resolve(new Home(repository.toAbsolutePath().getParent()), passphraseFile,
                    false);
            return Repository.open(new FileStore(repository), passphrase);
        }
        Path configFile = storageConfig != null ? storageConfig.toAbsolutePath() : Home.resolve(null).storageConfig();
        if (!Files.exists(configFile)) {
            throw HindsightException.notFound("no storage configuration at " + configFile,
                    "give --storage-config FILE (a copy of the home's storage.json)");
        }
        StorageConfig config = new StorageConfigFile(configFile, configFile.resolveSibling("repository")).load();
        SiteConfig chosen = config.site(site).orElseThrow(() -> HindsightException.notFound("no site named " + site
                + " in " + configFile, "sites: " + String.join(", ", config.sites().stream().map(SiteConfig::name)
                .toList())));
        Storage only = new Storage(new StorageConfig(chosen.region(), null, null, List.of(chosen)));
        char[] passphrase = Passphrase.resolve(new Home(configFile.getParent()), passphraseFile, false);
        return Repository.open(new PlacedStore(only, Layout::serverOf, Layout.sharedObjects()), passphrase);
    }
}
