package dev.hindsight.control;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.repo.catalog.Standby;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * A managed server's standby for backups ({@code server replica create}): made next to the
 * server, recorded in its catalog record so backups are taken from it, started with the daemon,
 * removed with the server or by {@code server replica delete}.
 */
public final class ReplicaService {
    private static final Logger log = LoggerFactory.getLogger(ReplicaService.class);

    private final Repository repository;
    private final ServerLookup lookup;
    private final Engines engines;
    private final Ports ports;

    public ReplicaService(Repository repository, ServerLookup lookup, Engines engines, Ports ports) {
        this.repository = repository;
        this.lookup = lookup;
        this.engines = engines;
        this.ports = ports;
    }

    /** Where a managed server's standby lives: beside its data directory, on the port its record names. */
    static ServerSpec standbySpec(ManagedServer host, ServerRecord record, int port) {
        return new ServerSpec(record.id(), host.name() + " (standby)", port, host.dir().resolve("standby"),
                host.dir().resolve("standby-run"), ServerProfile.of(record));
    }

    /** Refuses at once (before an operation starts) what {@link #create} would refuse. */
    public void check(String name) throws IOException {
        requireCreatable(name, lookup.live(name));
    }

    private void requireCreatable(String name, ServerRecord record) throws IOException {
        LockService.requireChangeable(record);
        if (record.standby() != null) {
            throw HindsightException.conflict("server " + name + " already has a standby for backups (port "
                    + record.standby().port() + ")", "remove it first: hindsight server replica delete --server " + name);
        }
        if (lookup.managed(name).attached()) {
            throw HindsightException.invalid("server " + name + " is attached: Hindsight does not make servers for it",
                    "name its own standby: hindsight server attach … --standby-connection HOST:PORT --standby-data-dir DIR");
        }
    }

    public synchronized Standby create(String name) throws IOException {
        ServerRecord record = lookup.live(name);
        requireCreatable(name, record);
        ManagedServer host = lookup.managed(name);
        Engine engine = engines.get(record.engine());
        ServerSpec standby = standbySpec(host, record, ports.choose(null));
        engine.lifecycle().createStandby(host.spec(), standby, agent(record));
        Standby made = Standby.recorded("127.0.0.1", standby.port(), standby.dataDir().toString(), true);
        try {
            repository.updateCatalog(c -> c.withServer(c.server(record.id()).orElseThrow().withStandby(made)));
        } catch (IOException | RuntimeException e) {
            engine.lifecycle().removeStandby(host.spec(), standby, agent(record));
            throw e;
        }
        log.info("Server {}: backups are taken from its standby on port {} from now on", name, made.port());
        return made;
    }

    public synchronized void delete(String name) throws IOException {
        ServerRecord record = lookup.live(name);
        LockService.requireChangeable(record);
        Standby standby = record.standby();
        if (standby == null) {
            throw HindsightException.notFound("server " + name + " has no standby for backups",
                    "make one: hindsight server replica create --server " + name);
        }
        repository.updateCatalog(c -> c.withServer(c.server(record.id()).orElseThrow().withStandby(null)));
        if (standby.managed()) {
            removeManaged(lookup.managed(name), record);
        }
        log.info("Server {}: its standby is gone; backups are taken from the server itself", name);
    }

    /** Stops and removes a managed standby (the server is being deleted, or its standby is); best effort. */
    void removeManaged(ManagedServer host, ServerRecord record) {
        Standby standby = record.standby();
        if (standby == null || !standby.managed()) {
            return;
        }
        engines.get(record.engine()).lifecycle().removeStandby(host.spec(), standbySpec(host, record, standby.port()),
                agent(record));
    }

    /** Starts a managed standby that is not running (at the daemon's start); a failure is logged, backups fall back. */
    public void resume(ManagedServer host, ServerRecord record) {
        Standby standby = record.standby();
        if (standby == null || !standby.managed()) {
            return;
        }
        Engine engine = engines.get(record.engine());
        ServerSpec spec = standbySpec(host, record, standby.port());
        try {
            if (!engine.lifecycle().isRunning(spec)) {
                engine.lifecycle().start(spec);
            }
        } catch (RuntimeException e) {
            log.error("Could not start the standby of server {} (port {}): {}; backups are taken from the server"
                    + " until it runs", host.name(), standby.port(), e.getMessage());
        }
    }

    /** The spec of a server's managed standby, for starting and stopping it. */
    public static ServerSpec standbyOf(ManagedServer host, ServerRecord record) {
        return standbySpec(host, record, record.standby().port());
    }

    private static Credentials agent(ServerRecord record) {
        return new Credentials(record.agentUser(), record.agentPassword());
    }
}
