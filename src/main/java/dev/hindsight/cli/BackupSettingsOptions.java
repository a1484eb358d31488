package dev.hindsight.cli;

import picocli.CommandLine.Option;

/** The backup settings `server create` and `server update` share; unset options keep the current value. */
final class BackupSettingsOptions {
    @Option(names = "--backup-retention", paramLabel = "DAYS", description = "1-35 days (default: 7)")
    Integer retention;
    @Option(names = "--full-interval", paramLabel = "DURATION",
            description = "time between full backups, 5m to 35d (default: 7d)")
    String fullInterval;
    @Option(names = "--diff-interval", paramLabel = "DURATION",
            description = "time between differential backups, 5m to 24h, or off (default: 12h)")
    String diffInterval;
    @Option(names = "--max-replay", paramLabel = "DURATION",
            description = "the replay budget: a differential is taken when a restore would replay the log for longer"
                    + " than this past the newest backup, 1s to 24h, or off (default: 60s)")
    String maxReplay;
    @Option(names = "--storage-size", paramLabel = "GIB",
            description = "provisioned storage in GiB: the free backup allowance (default: the data size, rounded up)")
    Integer storageSizeGib;
    @Option(names = "--backup-redundancy", paramLabel = "R",
            description = "local, zone, geo or geo-zone (default: from --workload); a change applies to new backups "
                    + "and log only")
    String redundancy;
}
