package dev.hindsight.control;

import dev.hindsight.HindsightException;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Restores a server to a point in time as a NEW managed server: plan first (a bad target fails
 * before anything is created), then materialize the backup, stage the log, recover, promote,
 * and protect the new server at once (its own lineage, capture, and first full backup).
 */
public final class RestoreService {
    private static final Logger log = LoggerFactory.getLogger(RestoreService.class);
    static final Duration RECOVERY_TIMEOUT = Duration.ofHours(2);
    private final ServerService servers;

    public RestoreService(ServerService servers) {
        this.servers = servers;
    }

    /** Checks the request and plans it; throws before anything is created if it cannot be done. */
    public RestorePlan check(RestoreRequestBody body) throws IOException {
        Validation.serverName(body.name());
        ServerRecord source = servers.live(body.sourceServer());
        RestoreRequest request = toRequest(body);
        if (body.port() != null) {
            Validation.port(body.port());
        }
        if (servers.db().server(body.name()).isPresent()
                || servers.repository().catalog().liveServerNamed(body.name()).isPresent()) {
            throw HindsightException.conflict("a server named " + body.name() + " already exists",
                    "choose another name for the restored server");
        }
        return plan(source, request);
    }

    private RestorePlan plan(ServerRecord source, RestoreRequest request) throws IOException {
        Engine engine = servers.engines().get(source.engine());
        java.time.Instant caughtUp = servers.captures().capture(source.id()).flatMap(LogCapture::caughtUpAt)
                .orElse(null);
        return engine.planRestore(servers.repository(), source, request, caughtUp, servers.clock().instant());
    }

    public RestoreOutcome restore(RestoreRequestBody body, dev.hindsight.util.Progress progress) throws IOException {
        RestorePlan plan = check(body);
        ServerRecord source = servers.live(body.sourceServer());
        Engine engine = servers.engines().get(source.engine());
        servers.claimName(body.name());
        ManagedServer host = null;
        try {
            engine.checkInstalled();
            String id = ServerService.newId();
            host = new ManagedServer(body.name(), id, engine.name(), servers.choosePort(body.port()),
                    servers.home().serverDir(body.name(), id), "restoring", servers.clock().instant());
            servers.db().insertServer(host);
            Path staging = host.dir().resolve("restore-wal");
            Files.createDirectories(host.runDir());
            log.info("Restoring server {} to {} ({}) as {} from backup {}", source.name(), plan.pointInTime(),
                    plan.target(), body.name(), plan.backup().id());
            engine.restoreAndPromote(servers.repository(), plan, source, host, staging,
                    new Engine.Credentials(source.agentUser(), source.agentPassword()), RECOVERY_TIMEOUT, progress);
            FileTrees.deleteRecursively(staging);
            ServerRecord record = new ServerRecord(id, body.name(), source.engine(), source.engineVersion(),
                    source.systemIdentifier(), servers.clock().instant(), null, source.adminUser(),
                    source.adminPassword(), source.agentUser(), source.agentPassword(), source.retentionDays(),
                    source.fullBackupInterval(), source.id(), source.ltr(), source.diffBackupInterval(),
                    source.storageSizeGib());
            servers.repository().updateCatalog(c -> c.withServer(record));
            servers.db().setServerState(body.name(), "running");
            servers.protect(engine, record, host.withState("running"));
            String uri = engine.connectionString(host,
                    new Engine.Credentials(source.adminUser(), source.adminPassword()));
            return new RestoreOutcome(body.name(), source.name(), plan.pointInTime(), plan.backup().id(), uri,
                    engine.restoredAccessNote());
        } catch (IOException | RuntimeException e) {
            if (host != null) {
                servers.discard(engine, host);
            }
            throw e;
        } finally {
            servers.releaseName(body.name());
        }
    }

    static RestoreRequest toRequest(RestoreRequestBody body) {
        int given = (body.restoreTime() != null ? 1 : 0) + (body.latest() ? 1 : 0) + (body.earliest() ? 1 : 0)
                + (body.fromBackup() != null ? 1 : 0);
        if (given != 1) {
            throw HindsightException.invalid("give exactly one restore target",
                    "use --restore-time 2026-11-21T09:30:00Z, --latest, --earliest or --from-ltr BACKUP_ID");
        }
        if (body.fromBackup() != null) {
            return RestoreRequest.backup(body.fromBackup());
        }
        if (body.latest()) {
            return RestoreRequest.latest();
        }
        return body.earliest() ? RestoreRequest.earliest() : RestoreRequest.at(body.restoreTime());
    }
}
