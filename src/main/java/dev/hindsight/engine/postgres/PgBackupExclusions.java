package dev.hindsight.engine.postgres;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a base backup leaves out of a data directory: the same things pg_basebackup leaves out
 * (PostgreSQL 15, src/backend/backup/basebackup.c), because the server re-creates them at start
 * or they describe only the running instance. Paths are relative to the data directory.
 */
final class PgBackupExclusions {
    /**
     * Directories kept, but empty: WAL comes from the log archive, and the others hold state
     * that is reset at start-up (slots, shared memory, notifications, SSI, exported snapshots,
     * temporary statistics, subtransaction map).
     */
    private static final Set<String> EMPTY_DIRS = Set.of(
            "pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots",
            "pg_stat_tmp", "pg_subtrans");

    /**
     * Top-level files that describe only the running instance, or that a restore writes itself
     * (backup_label, tablespace_map come from pg_backup_stop; the signal files say how that instance
     * recovers: a backup taken from a standby must not start as one), as pg_basebackup leaves out.
     */
    private static final Set<String> TOP_FILES = Set.of(
            "postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "backup_manifest",
            "postgresql.auto.conf.tmp", "current_logfiles.tmp", "standby.signal", "recovery.signal");

    /** Temporary files (sorts, hashes) and relation-cache init files, anywhere. */
    private static final String TEMP_PREFIX = "pgsql_tmp";
    private static final String RELCACHE_INIT_PREFIX = "pg_internal.init";

    /** A relation fork file: relfilenode, optional fork name, optional segment number. */
    private static final Pattern RELATION_FILE = Pattern.compile("(\\d+)(?:_(init|fsm|vm))?(?:\\.\\d+)?");

    private PgBackupExclusions() {
    }

    /** True if the file or directory (with everything under it) is not copied at all. */
    static boolean skip(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        if (name.startsWith(TEMP_PREFIX) || name.startsWith(RELCACHE_INIT_PREFIX)) {
            return true;
        }
        return rel.indexOf('/') < 0 && TOP_FILES.contains(rel);
    }

    /** True if the directory is kept but nothing in it is copied. */
    static boolean skipContents(String relDir) {
        return EMPTY_DIRS.contains(relDir);
    }

    /**
     * Drops the forks of unlogged relations except their init fork: recovery throws those forks
     * away and re-creates the main fork from the init fork, so copying them is wasted work.
     * Only database directories (base/&lt;oid&gt;/) can hold unlogged relations.
     */
    static List<DataDirectoryScan.Entry> dropUnloggedForks(List<DataDirectoryScan.Entry> files) {
        Set<String> unlogged = new HashSet<>();
        for (DataDirectoryScan.Entry f : files) {
            Matcher m = relationFile(f.path());
            if (m != null && "init".equals(m.group(2))) {
                unlogged.add(parent(f.path()) + "/" + m.group(1));
            }
        }
        List<DataDirectoryScan.Entry> kept = new ArrayList<>(files.size());
        for (DataDirectoryScan.Entry f : files) {
            Matcher m = relationFile(f.path());
            boolean dropped = m != null && !"init".equals(m.group(2))
                    && unlogged.contains(parent(f.path()) + "/" + m.group(1));
            if (!dropped) {
                kept.add(f);
            }
        }
        return kept;
    }

    /** The match if {@code rel} is a relation file directly in base/&lt;oid&gt;/, else null. */
    private static Matcher relationFile(String rel) {
        String[] parts = rel.split("/");
        if (parts.length != 3 || !parts[0].equals("base")) {
            return null;
        }
        Matcher m = RELATION_FILE.matcher(parts[2]);
        return m.matches() ? m : null;
    }

    private static String parent(String rel) {
        return rel.substring(0, rel.lastIndexOf('/'));
    }
}
