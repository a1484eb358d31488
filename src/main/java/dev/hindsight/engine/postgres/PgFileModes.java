package dev.hindsight.engine.postgres;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Unix permission bits as the int a manifest stores (e.g. 0600) and back. The manifest keeps
 * numbers, not Java's permission sets, so it reads like {@code ls -l} and stays engine-neutral.
 */
final class PgFileModes {
    // PosixFilePermission's declaration order is owner rwx, group rwx, others rwx: bit 8 down to bit 0
    private static final PosixFilePermission[] ORDER = PosixFilePermission.values();

    private PgFileModes() {
    }

    static int toMode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int i = 0; i < ORDER.length; i++) {
            if (permissions.contains(ORDER[i])) {
                mode |= 1 << (ORDER.length - 1 - i);
            }
        }
        return mode;
    }

    static Set<PosixFilePermission> toPermissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < ORDER.length; i++) {
            if ((mode & (1 << (ORDER.length - 1 - i))) != 0) {
                set.add(ORDER[i]);
            }
        }
        return set;
    }
}
