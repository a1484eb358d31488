package dev.hindsight.engine.postgres;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Puts a file's extents in file order, merges neighbours, and checks they cover the file. */
final class PgExtents {
    private PgExtents() {
    }

    /**
     * Orders extents by file offset and merges one with the next when both the file range and
     * the bundle range continue (one writer took consecutive buffers): fewer, longer entries.
     *
     * @throws IllegalStateException when the extents do not cover [0, size) exactly — a bug, not
     *                               a user error, and a manifest must never be written like that
     */
    static List<BackupManifest.Extent> ordered(List<BackupManifest.Extent> extents, long size, String path) {
        List<BackupManifest.Extent> sorted = new ArrayList<>(extents);
        sorted.sort(Comparator.comparingLong(BackupManifest.Extent::fileOffset));
        List<BackupManifest.Extent> merged = new ArrayList<>();
        long covered = 0;
        for (BackupManifest.Extent e : sorted) {
            if (e.fileOffset() != covered) {
                throw new IllegalStateException("extents of " + path + " leave a gap or overlap at offset "
                        + covered + " (next extent starts at " + e.fileOffset() + ")");
            }
            covered += e.length();
            BackupManifest.Extent last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.bundle().equals(e.bundle())
                    && last.bundleOffset() + last.length() == e.bundleOffset()) {
                merged.set(merged.size() - 1, new BackupManifest.Extent(last.bundle(), last.bundleOffset(),
                        last.length() + e.length(), last.fileOffset()));
            } else {
                merged.add(e);
            }
        }
        if (covered != size) {
            throw new IllegalStateException("extents of " + path + " cover " + covered + " bytes, the file has " + size);
        }
        return merged;
    }
}
