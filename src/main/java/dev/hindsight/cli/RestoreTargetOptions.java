package dev.hindsight.cli;

import dev.hindsight.util.HindsightException;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Exactly one of --restore-time T, --latest, --earliest. */
final class RestoreTargetOptions {
    @Option(names = "--restore-time", paramLabel = "TIME", description = "ISO-8601 UTC, e.g. 2026-11-21T09:30:00Z")
    String restoreTime;
    @Option(names = "--latest", description = "the latest restore point")
    boolean latest;
    @Option(names = "--earliest", description = "the earliest restore point")
    boolean earliest;
    @Option(names = "--from-ltr", paramLabel = "BACKUP_ID",
            description = "one backup's consistent point, e.g. a long-term retention backup")
    String fromBackup;

    dev.hindsight.plan.RestoreRequest request() {
        checkExactlyOne();
        if (fromBackup != null) {
            return dev.hindsight.plan.RestoreRequest.backup(fromBackup);
        }
        return latest ? dev.hindsight.plan.RestoreRequest.latest()
                : earliest ? dev.hindsight.plan.RestoreRequest.earliest() : dev.hindsight.plan.RestoreRequest.at(time());
    }

    Instant time() {
        return restoreTime == null ? null : parseTime(restoreTime);
    }

    /** An ISO-8601 instant, with Z or an offset; a clear error otherwise. */
    static Instant parseTime(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw HindsightException.invalid("cannot read restore time '" + text + "'",
                        "use ISO-8601 with a zone, e.g. 2026-11-21T09:30:00Z or 2026-11-21T10:30:00+01:00");
            }
        }
    }

    void checkExactlyOne() {
        int given = (restoreTime != null ? 1 : 0) + (latest ? 1 : 0) + (earliest ? 1 : 0) + (fromBackup != null ? 1 : 0);
        if (given != 1) {
            throw HindsightException.invalid("give exactly one restore target",
                    "use --restore-time 2026-11-21T09:30:00Z, --latest, --earliest or --from-ltr BACKUP_ID");
        }
    }
}
