package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The positions in a {@code backup_label} as {@code pg_backup_stop} returns it, e.g.
 * <pre>
 * START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
 * CHECKPOINT LOCATION: 0/2000060
 * START TIMELINE: 1
 * </pre>
 * The label is the authority: it is what the restored server itself will read.
 */
record PgBackupLabel(Lsn start, Lsn checkpoint, int timeline) {
    private static final Pattern START = Pattern.compile("(?m)^START WAL LOCATION: ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");
    private static final Pattern CHECKPOINT = Pattern.compile("(?m)^CHECKPOINT LOCATION: ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");
    private static final Pattern TIMELINE = Pattern.compile("(?m)^START TIMELINE: (\\d+)");

    static PgBackupLabel parse(String label) {
        return new PgBackupLabel(
                Lsn.parse(field(START, label, "START WAL LOCATION")),
                Lsn.parse(field(CHECKPOINT, label, "CHECKPOINT LOCATION")),
                Integer.parseInt(field(TIMELINE, label, "START TIMELINE")));
    }

    private static String field(Pattern p, String label, String name) {
        Matcher m = p.matcher(label == null ? "" : label);
        if (!m.find()) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "the backup label from pg_backup_stop has no " + name + " line:\n" + label,
                    "this PostgreSQL version writes a label Hindsight does not know; report it with the label text");
        }
        return m.group(1);
    }
}
