package dev.hindsight.control;

import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;

import java.time.Duration;

/**
 * A server's backup settings. A request's values are applied over the current ones and checked
 * together before anything is written, so a bad value changes nothing.
 *
 * @param diffInterval   time between differentials; {@link Duration#ZERO} for none (fulls only)
 * @param storageSizeGib the provisioned storage (the free backup allowance), or null for the
 *                       data directory's size rounded up
 * @param maxReplay      the replay budget: a differential is taken when a restore would replay
 *                       longer than this past the newest backup; {@link Duration#ZERO} for none
 */
public record BackupSettings(int retentionDays, Duration fullInterval, Duration diffInterval, Integer storageSizeGib,
                             Duration maxReplay) {
    static final Duration MIN_INTERVAL = Duration.ofMinutes(5);
    static final Duration MIN_MAX_REPLAY = Duration.ofSeconds(1);
    static final Duration MAX_MAX_REPLAY = Duration.ofHours(24);

    /** Settings with the default replay budget. */
    public BackupSettings(int retentionDays, Duration fullInterval, Duration diffInterval, Integer storageSizeGib) {
        this(retentionDays, fullInterval, diffInterval, storageSizeGib, ServerRecord.DEFAULT_MAX_REPLAY);
    }
    static final Duration MAX_FULL_INTERVAL = Duration.ofDays(35);
    static final Duration MAX_DIFF_INTERVAL = Duration.ofDays(1);
    static final int MAX_STORAGE_GIB = 65_536;

    /** Like a managed service: 7 days of retention, a full weekly, a differential every 12 hours. */
    public static BackupSettings defaults() {
        return new BackupSettings(RetentionPolicy.DEFAULT_DAYS, ServerRecord.DEFAULT_FULL_INTERVAL,
                ServerRecord.DEFAULT_DIFF_INTERVAL, null);
    }

    public static BackupSettings of(ServerRecord record) {
        return new BackupSettings(record.retentionDays(), record.fullBackupInterval(), record.diffBackupInterval(),
                record.storageSizeGib(), record.maxReplay());
    }

    /**
     * These settings with the given changes (null: unchanged), all checked. Fulls made at least
     * as frequent as the differentials, without a differential interval given, turn
     * differentials off; a differential interval given that is not shorter than the full
     * interval is an error.
     */
    public BackupSettings with(Integer retention, String full, String diff, Integer storageGib) {
        return with(retention, full, diff, storageGib, null);
    }

    /** {@link #with(Integer, String, String, Integer)} and the replay budget ({@code off}, or 1s to 24h). */
    public BackupSettings with(Integer retention, String full, String diff, Integer storageGib, String replay) {
        int days = retention == null ? retentionDays : retention;
        Validation.retentionDays(days);
        Duration fullEvery = full == null ? fullInterval
                : parse(full, "full backup interval", MAX_FULL_INTERVAL, "e.g. P7D (weekly), 24h");
        Duration diffEvery = diff == null ? diffInterval
                : "off".equalsIgnoreCase(diff) ? Duration.ZERO
                : parse(diff, "differential backup interval", MAX_DIFF_INTERVAL, "12h or 24h, or off for none");
        if (diff == null && !diffEvery.isZero() && diffEvery.compareTo(fullEvery) >= 0) {
            diffEvery = Duration.ZERO; // fulls at least as often as differentials would come: none needed
        }
        if (!diffEvery.isZero() && diffEvery.compareTo(fullEvery) >= 0) {
            throw HindsightException.invalid("a differential every " + text(diffEvery) + " would never come between "
                            + "full backups every " + text(fullEvery),
                    "give a --diff-interval shorter than the full interval, or --diff-interval off");
        }
        Integer size = storageGib == null ? storageSizeGib : storageGib;
        if (size != null && (size < 1 || size > MAX_STORAGE_GIB)) {
            throw HindsightException.invalid("storage size of " + size + " GiB is out of range",
                    "give a size between 1 and " + MAX_STORAGE_GIB + " GiB");
        }
        Duration budget = replay == null ? maxReplay : "off".equalsIgnoreCase(replay) ? Duration.ZERO
                : parse(replay, "replay budget", MIN_MAX_REPLAY, MAX_MAX_REPLAY, "e.g. 60s, 5m, or off");
        return new BackupSettings(days, fullEvery, diffEvery, size, budget);
    }

    private static Duration parse(String text, String what, Duration max, String examples) {
        return parse(text, what, MIN_INTERVAL, max, examples);
    }

    private static Duration parse(String text, String what, Duration min, Duration max, String examples) {
        Duration d;
        try {
            d = Duration.parse(text.toUpperCase().startsWith("P") ? text : "PT" + text);
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw HindsightException.invalid("invalid " + what + " '" + text + "'",
                    "give a duration between " + text(min) + " and " + text(max) + ", " + examples);
        }
        return d;
    }

    /** 12h, 7d, 5m: how people write durations. */
    static String text(Duration d) {
        if (d.toDays() > 1 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + "m";
        }
        return d.toSeconds() + "s";
    }
}
