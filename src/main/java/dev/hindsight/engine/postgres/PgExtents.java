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

    /**
     * The extents that hold bytes [from, from + length) of a file whose (ordered) extents are
     * {@code extents}: whole ones inside the range, cut ones at its edges.
     */
    static List<BackupManifest.Extent> slice(List<BackupManifest.Extent> extents, long from, long length,
                                             String path) {
        long to = from + length;
        int lo = 0;
        int hi = extents.size() - 1;
        while (lo < hi) { // the last extent that starts at or before from
            int mid = (lo + hi + 1) >>> 1;
            if (extents.get(mid).fileOffset() <= from) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        List<BackupManifest.Extent> out = new ArrayList<>();
        for (int i = lo; i < extents.size() && from < to; i++) {
            BackupManifest.Extent e = extents.get(i);
            long end = e.fileOffset() + e.length();
            if (e.fileOffset() > from || end <= from) {
                break; // a gap: cannot happen in a manifest PgExtents.ordered accepted
            }
            long take = Math.min(end, to) - from;
            out.add(new BackupManifest.Extent(e.bundle(), e.bundleOffset() + (from - e.fileOffset()), take, from));
            from += take;
        }
        if (from != to) {
            throw new IllegalStateException("the base backup's extents of " + path + " do not cover bytes "
                    + from + ".." + to);
        }
        return out;
    }
}
