package dev.hindsight.control;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Identity;
import dev.hindsight.repo.catalog.FirewallRule;
import dev.hindsight.repo.catalog.LtrPolicy;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.repo.catalog.Tier;
import dev.hindsight.storage.Redundancy;

import java.time.Instant;
import java.util.List;

/** The one place a new server's catalog record is made: by a create, an attach or a restore. */
final class ServerRecords {
    /** The login Hindsight makes on servers it creates, for backups and log capture. */
    static final String AGENT_USER = "hindsight_agent";

    private ServerRecords() {
    }

    /**
     * @param restoredFrom the id of the server it was restored from; null for a new lineage
     * @param ltr          long-term retention (a restored server keeps its source's); null for none
     * @param firewallRules client ranges allowed beyond 127.0.0.1 (a restored MariaDB server keeps its
     *                     source's, a restored PostgreSQL server starts with none)
     */
    static ServerRecord newServer(String id, String name, String engine, Identity identity, Instant createdAt,
                                  Credentials admin, Credentials agent, BackupSettings settings,
                                  Redundancy redundancy, String restoredFrom, LtrPolicy ltr, Tier tier,
                                  List<FirewallRule> firewallRules) {
        return new ServerRecord(id, name, engine, identity.version(), identity.systemIdentifier(), createdAt, null,
                admin.user(), admin.password(), agent.user(), agent.password(), settings.retentionDays(),
                settings.fullInterval(), restoredFrom, ltr, settings.diffInterval(), settings.storageSizeGib(),
                redundancy, tier, firewallRules, null, null, null, null, null, settings.maxReplay());
    }
}
