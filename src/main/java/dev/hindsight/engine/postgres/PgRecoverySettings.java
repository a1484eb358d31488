package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of the recovery settings file ({@value #FILE}) that a restored data directory
 * includes from postgresql.conf. Pure: no files touched here, so it is tested without a server.
 */
final class PgRecoverySettings {
    static final String FILE = "hindsight-recovery.conf";
    static final String INCLUDE_LINE = "include_if_exists = '" + FILE + "'";

    /** PostgreSQL keeps microseconds; an explicit +00 offset makes the server's TimeZone irrelevant. */
    private static final DateTimeFormatter PG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

    /** The include line in any spacing, with or without '=', optionally commented at the end. */
    private static final Pattern INCLUDE = Pattern.compile(
            "\\s*include_if_exists\\s*=?\\s*'" + Pattern.quote(FILE) + "'\\s*(#.*)?");

    /**
     * A restored copy is a new lineage: if the source's settings archive WAL somewhere, this copy
     * must not push its own WAL into the source's archive. Use ALTER SYSTEM to archive on purpose.
     */
    private static final String ARCHIVE_OFF = "archive_mode = off\n";

    private static final Pattern SETTING = Pattern.compile("\\s*([A-Za-z_.]+)\\s*=?.*");
    private static final Set<String> OVERRIDDEN = Set.of("restore_command", "recovery_target", "recovery_target_time",
            "recovery_target_name", "recovery_target_lsn", "recovery_target_xid", "recovery_target_inclusive",
            "recovery_target_action", "recovery_target_timeline", "recovery_end_command", "archive_mode",
            "archive_command", "archive_library", "primary_conninfo", "primary_slot_name");

    private PgRecoverySettings() {
    }

    /** Recovery that promotes itself at its target: for a data directory someone else starts. */
    static String during(RecoveryTarget target, Path walStagingDir) {
        return endOfRecovery(header(walStagingDir), target, "promote");
    }

    /**
     * Recovery as a standby that Hindsight promotes (pg_ctl promote) once it runs. A requested
     * promotion ends recovery with an end-of-recovery record and checkpoints afterwards, while the
     * server already accepts writes; recovery that promotes itself at its target first writes out
     * every buffer redo dirtied, seconds after a long replay. A standby promotes only when the
     * staged WAL is used up, so the early request loses nothing; at a target it pauses, and the
     * request ends the pause. Until then, restartpoints are left for after promotion: each one
     * writes out dirty buffers on the cores redo needs, and a restore that fails starts afresh.
     */
    static String duringPromotedOnRequest(RecoveryTarget target, Path walStagingDir) {
        return promotedOnRequest(target, walStagingDir, true);
    }

    /**
     * The same once promoted, restartpoints no longer put off: reloaded, it gives the server its
     * own checkpoint settings back while every setting that needs a restart stays as the server
     * runs (a reload that drops those logs that the file "contains errors"). {@link #after()}
     * follows without a reload, for the next start.
     */
    static String promotedOnRequestUntuned(RecoveryTarget target, Path walStagingDir) {
        return promotedOnRequest(target, walStagingDir, false);
    }

    private static String promotedOnRequest(RecoveryTarget target, Path walStagingDir, boolean restartpointsPutOff) {
        StringBuilder conf = header(walStagingDir);
        conf.append("hot_standby = on\n"); // a pause needs it: without it, PostgreSQL shuts down instead
        if (restartpointsPutOff) {
            conf.append("checkpoint_timeout = '1d'\n");
            conf.append("max_wal_size = '64GB'\n");
        }
        return endOfRecovery(conf, target, "pause");
    }

    private static StringBuilder header(Path walStagingDir) {
        StringBuilder conf = new StringBuilder("""
                # Written by Hindsight for one recovery; emptied of these settings after promotion.
                # The staging directory holds every WAL segment the restore needs; a segment that is
                # not there makes cp fail at once, which tells PostgreSQL the archive has no more.
                """);
        conf.append("restore_command = ").append(quote(restoreCommand(walStagingDir))).append('\n');
        conf.append("recovery_target_timeline = 'latest'\n");
        return conf;
    }

    /**
     * The settings an exported data directory recovers with, for postgresql.auto.conf (as
     * pg_basebackup -R writes its own there): a plain copy from the exported WAL directory, so the
     * stock server needs nothing of Hindsight.
     */
    static String forExport(RecoveryTarget target, Path walDir, String what) {
        String dir = quotableDir(walDir, "the export directory",
                "export under a path of letters, digits, '-', '_', '.' and '/'");
        StringBuilder conf = new StringBuilder("\n# Added by Hindsight's backup export: recovers " + what
                + " from the WAL in " + dir + ",\n# then promotes. Remove these lines once it has.\n");
        conf.append("restore_command = ").append(quote("cp \"" + dir + "/%f\" \"%p\"")).append('\n');
        return endOfRecovery(conf, target, "promote");
    }

    /** The target, what to do there, and no archiving into the source's archive. */
    private static String endOfRecovery(StringBuilder conf, RecoveryTarget target, String action) {
        if (target instanceof RecoveryTarget.Time t) {
            conf.append("recovery_target_time = ").append(quote(formatTime(t.at()))).append('\n');
            conf.append("recovery_target_inclusive = on\n");
        } else if (target instanceof RecoveryTarget.Immediate) {
            conf.append("recovery_target = 'immediate'\n");
        }
        conf.append("recovery_target_action = '").append(action).append("'\n");
        conf.append(ARCHIVE_OFF);
        return conf.toString();
    }

    /** The directory's absolute path, refused if a character in it cannot be quoted safely in restore_command. */
    private static String quotableDir(Path dir, String what, String hint) {
        String path = dir.toAbsolutePath().normalize().toString();
        if (path.matches(".*[\"$`\\\\%\\n'].*")) {
            throw HindsightException.invalid(what + " " + path
                    + " has a character that cannot be quoted safely in restore_command", hint);
        }
        return path;
    }

    /** After promotion: nothing about recovery, so a restart is a plain start. */
    static String after() {
        return "# Written by Hindsight: recovery finished and this server was promoted.\n" + ARCHIVE_OFF;
    }

    static String formatTime(Instant at) {
        // truncating is exact: commit times have microsecond precision, so no commit lies in
        // (truncated, at] and "committed at or before at" selects the same transactions
        return PG_TIME.format(at.truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * Marks a staging directory that is still being filled: while it exists, restore_command
     * waits for a segment that is not there yet instead of reporting the end of the archive,
     * so recovery can replay the first segments while later ones are still being staged.
     */
    public static final String STAGING_IN_PROGRESS = ".staging-in-progress";

    /**
     * Waits while a segment is still to come, then moves it into place: a rename within one
     * file system, so no segment is copied twice. A segment that was moved already and is asked
     * for again (recovery restarted) is in pg_wal, where PostgreSQL looks when this command fails.
     * Run by PostgreSQL through /bin/sh.
     */
    static String restoreCommand(Path walStagingDir) {
        String dir = quotableDir(walStagingDir, "the WAL staging directory",
                "stage WAL under a path of letters, digits, '-', '_', '.' and '/'");
        // only segment names (no dot) are waited for: history files are staged before recovery
        // starts, and recovery probes for timelines that do not exist
        return "case \"%f\" in *.*) ;; *) while [ ! -f \"" + dir + "/%f\" ] && [ -f \"" + dir + "/"
                + STAGING_IN_PROGRESS + "\" ]; do sleep 0.05; done ;; esac; mv \"" + dir + "/%f\" \"%p\"";
    }

    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * postgresql.auto.conf (ALTER SYSTEM) is read after postgresql.conf and would override the
     * recovery settings, or make the copy archive into the source's archive or follow its primary.
     * Such lines are commented out, with a note; every other line is kept as it was.
     */
    static String neutralizeAutoConf(String autoConf) {
        StringBuilder out = new StringBuilder();
        for (String line : autoConf.split("\n", -1)) {
            Matcher m = SETTING.matcher(line);
            if (m.matches() && OVERRIDDEN.contains(m.group(1).toLowerCase(Locale.ROOT))) {
                out.append("# disabled by Hindsight's restore (the copy must not use the source's setting): ");
            }
            out.append(line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** True if postgresql.conf already includes the settings file (a restore of a restore). */
    static boolean includes(String postgresqlConf) {
        return postgresqlConf.lines().anyMatch(l -> INCLUDE.matcher(l).matches());
    }
}
