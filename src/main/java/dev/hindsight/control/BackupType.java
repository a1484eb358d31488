package dev.hindsight.control;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.util.HindsightException;

/** The backup type users ask for by name: {@code full} (the default) or {@code diff}. */
public final class BackupType {
    /** The body of a request to take a backup. */
    public record Body(String type) {
    }

    private BackupType() {
    }

    public static BackupKind parse(String type) {
        if (type == null || type.equalsIgnoreCase("full")) {
            return BackupKind.FULL;
        }
        if (type.equalsIgnoreCase("diff") || type.equalsIgnoreCase("differential")) {
            return BackupKind.DIFF;
        }
        throw HindsightException.invalid("unknown backup type '" + type + "'",
                "give --type full or --type diff (changes since the last full backup)");
    }
}
