package dev.hindsight.control;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.ServerLifecycle;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.FirewallRule;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A server's firewall rules: kept in its catalog record (so a restore can keep them where the
 * engine does), and applied to the server at once through its engine (listen address and the
 * engine's own address checks).
 */
public final class FirewallService {
    private static final Logger log = LoggerFactory.getLogger(FirewallService.class);
    static final int MAX_RULES = 128;

    private final Repository repository;
    private final Engines engines;
    private final ServerLookup lookup;
    private final BackupService backups;

    public FirewallService(Repository repository, Engines engines, ServerLookup lookup, BackupService backups) {
        this.backups = backups;
        this.repository = repository;
        this.engines = engines;
        this.lookup = lookup;
    }

    public List<FirewallRule> list(String server) throws IOException {
        return lookup.live(server).firewallRules();
    }

    /** Adds a rule, or replaces the rule of that name (as the managed services' create does). */
    public synchronized FirewallChange create(String server, String name, String startIp, String endIp) throws IOException {
        FirewallRule rule = FirewallRule.of(name, startIp, endIp);
        ServerRecord record = lookup.live(server);
        List<FirewallRule> rules = new ArrayList<>(record.firewallRules());
        rules.removeIf(r -> r.name().equals(rule.name()));
        if (rules.size() >= MAX_RULES) {
            throw HindsightException.invalid("server " + server + " has " + MAX_RULES + " firewall rules already",
                    "widen an existing rule's range, or delete one first");
        }
        rules.add(rule);
        return apply(server, record, rules);
    }

    public synchronized FirewallChange delete(String server, String name) throws IOException {
        ServerRecord record = lookup.live(server);
        List<FirewallRule> rules = new ArrayList<>(record.firewallRules());
        if (!rules.removeIf(r -> r.name().equals(name))) {
            throw HindsightException.notFound("server " + server + " has no firewall rule named " + name,
                    "list them with `hindsight server firewall-rule list --server " + server + "`");
        }
        return apply(server, record, rules);
    }

    private FirewallChange apply(String server, ServerRecord record, List<FirewallRule> rules) throws IOException {
        LockService.requireChangeable(record);
        ManagedServer host = lookup.managed(server);
        if (host.attached()) {
            throw HindsightException.invalid("server " + server + " is attached: Hindsight does not configure its access",
                    "change its own access rules (pg_hba.conf, bind-address, logins' hosts) on the server");
        }
        ServerRecord updated = record.withFirewallRules(rules);
        ServerProfile profile = ServerProfile.of(updated);
        // applied before it is recorded: a rule the server could not take is not kept; where the
        // listen address changes the server restarts, which no backup may be running through
        java.util.function.Supplier<ServerLifecycle.Reconfigured> reconfigure = () -> engines.get(record.engine())
                .lifecycle().reconfigure(host.spec(profile), new Credentials(record.adminUser(), record.adminPassword()),
                        new Credentials(record.agentUser(), record.agentPassword()));
        boolean restarts = profile.listensBeyondLoopback() != ServerProfile.of(record).listensBeyondLoopback();
        ServerLifecycle.Reconfigured applied = restarts ? backups.withoutBackups(record, server, reconfigure)
                : reconfigure.get();
        repository.updateCatalog(c -> c.withServer(c.server(record.id()).orElseThrow().withFirewallRules(rules)));
        log.info("Server {}: {} firewall rule(s); {}", server, rules.size(), applied.describe());
        return new FirewallChange(server, List.copyOf(rules),
                profile.listensBeyondLoopback() ? "every address" : "127.0.0.1", applied.describe());
    }
}
