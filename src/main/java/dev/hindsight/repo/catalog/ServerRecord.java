package dev.hindsight.repo.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.hindsight.storage.Redundancy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A server as the repository remembers it: enough to restore it with nothing but the repository
 * and the key (identity, logins, backup settings). Host-local details (port, data directory)
 * live in the control database instead.
 *
 * @param id               stable id, also the repository prefix; a restore gets a new one (a new lineage)
 * @param systemIdentifier PostgreSQL's database system identifier, as text
 * @param agentUser        the login Hindsight itself uses for backups and log capture
 * @param restoredFrom     id of the server this one was restored from, or null
 * @param ltr              the long-term retention policy, or null for none
 * @param diffBackupInterval time between differential backups (between fulls)
 * @param storageSizeGib   the provisioned storage size, the free backup allowance; null: the data
 *                         directory's size rounded up to whole GiB
 * @param backupRedundancy where new objects of this server go: local, zone, geo or geo-zone (older
 *                         catalogs: local)
 * @param tier             the compute tier its memory and connection settings follow (older catalogs:
 *                         general-purpose)
 * @param firewallRules    client address ranges allowed beyond 127.0.0.1, by name; empty for none
 * @param finalLogAt       for a deleted server, when its final log backup held everything it had
 *                         committed (its latest restore point); null if it was deleted without one
 * @param locks            management locks: a delete lock stops its deletion, a read-only one also
 *                         every settings change
 * @param rehearsal        how often a restore of its newest backup is rehearsed (older catalogs: weekly)
 * @param immutabilityDays for how many days after it is written the storage holds each new object
 *                         of the server immutable (WORM); 0 for not at all
 * @param standby          the streaming standby backups are taken from (PostgreSQL); null: the primary
 */
public record ServerRecord(
        String id,
        String name,
        String engine,
        String engineVersion,
        String systemIdentifier,
        Instant createdAt,
        Instant deletedAt,
        String adminUser,
        String adminPassword,
        String agentUser,
        String agentPassword,
        int retentionDays,
        Duration fullBackupInterval,
        String restoredFrom,
        LtrPolicy ltr,
        Duration diffBackupInterval,
        Integer storageSizeGib,
        Redundancy backupRedundancy,
        Tier tier,
        List<FirewallRule> firewallRules,
        Instant finalLogAt,
        List<ManagementLock> locks,
        Rehearsal rehearsal,
        Integer immutabilityDays,
        Standby standby,
        Duration maxReplay) {

    /** The longest immutability a server can have: ten years, as long as long-term retention holds. */
    public static final int MAX_IMMUTABILITY_DAYS = 3650;

    public static final Duration DEFAULT_FULL_INTERVAL = Duration.ofDays(7);
    public static final Duration DEFAULT_DIFF_INTERVAL = Duration.ofHours(12);
    /**
     * How long a restore may replay log past its newest full or differential: a differential is
     * taken when the log since would take longer (zero: no such differentials).
     */
    public static final Duration DEFAULT_MAX_REPLAY = Duration.ofSeconds(60);

    public ServerRecord {
        // catalogs written before differentials existed
        diffBackupInterval = diffBackupInterval == null ? DEFAULT_DIFF_INTERVAL : diffBackupInterval;
        backupRedundancy = backupRedundancy == null ? Redundancy.LOCAL : backupRedundancy; // catalogs before issue 5
        tier = tier == null ? Tier.DEFAULT : tier; // catalogs before tiers
        firewallRules = firewallRules == null ? List.of() : List.copyOf(firewallRules);
        locks = locks == null ? List.of() : List.copyOf(locks); // catalogs before locks
        rehearsal = rehearsal == null ? Rehearsal.DEFAULT : rehearsal;
        immutabilityDays = immutabilityDays == null ? 0 : immutabilityDays; // catalogs before immutability
        maxReplay = maxReplay == null ? DEFAULT_MAX_REPLAY : maxReplay; // catalogs before the replay budget
    }

    @JsonIgnore
    public boolean deleted() {
        return deletedAt != null;
    }

    /** Marked deleted at {@code when}; {@code finalLog} as in {@link #finalLogAt}. */
    public ServerRecord withDeletedAt(Instant when, Instant finalLog) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, when,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLog, locks, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withBackupSettings(int retention, Duration fullInterval, Duration diffInterval,
                                           Integer storageGib) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retention, fullInterval, restoredFrom, ltr,
                diffInterval, storageGib, backupRedundancy, tier, firewallRules, finalLogAt, locks, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withRedundancy(Redundancy redundancy) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, redundancy, tier, firewallRules, finalLogAt, locks, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withLtr(LtrPolicy policy) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom,
                policy, diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLogAt, locks, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withSystemIdentifier(String system, String version) {
        return new ServerRecord(id, name, engine, version, system, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLogAt, locks, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withTier(Tier next) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, next, firewallRules, finalLogAt, locks, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withFirewallRules(List<FirewallRule> rules) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, rules, finalLogAt, locks, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withLocks(List<ManagementLock> next) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLogAt, next, rehearsal, immutabilityDays, standby, maxReplay);
    }

    public ServerRecord withRehearsal(Rehearsal next) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLogAt, locks, next, immutabilityDays, standby, maxReplay);
    }

    /** Backups are taken from {@code next} from now on; null: from the primary. */
    public ServerRecord withStandby(Standby next) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLogAt, locks, rehearsal,
                immutabilityDays, next, maxReplay);
    }

    public ServerRecord withImmutabilityDays(int days) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLogAt, locks, rehearsal,
                days, standby, maxReplay);
    }

    public ServerRecord withMaxReplay(Duration next) {
        return new ServerRecord(id, name, engine, engineVersion, systemIdentifier, createdAt, deletedAt,
                adminUser, adminPassword, agentUser, agentPassword, retentionDays, fullBackupInterval, restoredFrom, ltr,
                diffBackupInterval, storageSizeGib, backupRedundancy, tier, firewallRules, finalLogAt, locks, rehearsal,
                immutabilityDays, standby, next);
    }

    /** How long the storage holds each new object of the server immutable; zero if it does not. */
    @JsonIgnore
    public Duration immutability() {
        return Duration.ofDays(immutabilityDays);
    }
}
