package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectExistsException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The WAL of one server as kept in a repository: sealed 16 MiB segments, pieces of the open
 * segment (one per flush, each starting where the previous ended), and timeline history files.
 * The inventory is the listing itself (names carry timeline, segment, range, receive time), so
 * nothing here keeps state and several readers may use one archive while a capture writes it.
 */
public final class WalArchive {
    /** Order of the log: timeline, segment, start, end, then receive time. */
    public static final Comparator<WalFile> LOG_ORDER = Comparator.comparingInt(WalFile::timeline)
            .thenComparingLong(WalFile::segno).thenComparingLong(WalFile::startOffset)
            .thenComparingLong(WalFile::endOffset).thenComparing(WalFile::receivedAt);

    private final Repository repo;
    private final String serverId;

    public WalArchive(Repository repo, String serverId) {
        this.repo = repo;
        this.serverId = serverId;
    }

    public String serverId() {
        return serverId;
    }

    /**
     * Writes bytes [start, end) of a segment, taken from {@code buf} at {@code off}, as one object.
     * Durable when this returns. Re-putting the same object (a retry after an ambiguous failure)
     * succeeds: the name fixes the content.
     */
    public void put(WalFile file, byte[] buf, int off) throws IOException {
        if (file.startOffset() < 0 || file.endOffset() > Lsn.SEGMENT_SIZE || file.endOffset() <= file.startOffset()) {
            throw new IllegalArgumentException("not a range within one segment: " + file);
        }
        int length = (int) (file.endOffset() - file.startOffset());
        try {
            String key = file.key(serverId);
            Repository.BodyWriter body = out -> out.write(buf, off, length);
            if (file.sealed()) {
                repo.write(key, body);
            } else {
                repo.writeShortLived(key, body); // a tail piece: dropped once its segment is sealed
            }
        } catch (ObjectExistsException e) {
            // an earlier attempt got through before failing; same name, same bytes
        }
    }

    /** Stores the history file of {@code timeline} (written once; later calls are no-ops). */
    public void putHistory(int timeline, byte[] content) throws IOException {
        if (hasHistory(timeline)) {
            return;
        }
        try {
            repo.writeBytes(Layout.timelineHistory(serverId, timeline), content);
        } catch (ObjectExistsException e) {
            // written concurrently or by an attempt that failed late: the history of a timeline never changes
        }
    }

    public boolean hasHistory(int timeline) throws IOException {
        String key = Layout.timelineHistory(serverId, timeline);
        return repo.list(key).stream().anyMatch(info -> info.key().equals(key));
    }

    /** Every WAL object of the server, in {@link #LOG_ORDER}. */
    public List<WalFile> list() throws IOException {
        return parse(repo.list(Layout.walPrefix(serverId)));
    }

    /** The WAL objects of one timeline, in {@link #LOG_ORDER}. */
    public List<WalFile> list(int timeline) throws IOException {
        return parse(repo.list(Layout.walTimelinePrefix(serverId, timeline)));
    }

    /** The objects (sealed and pieces) of one segment, in {@link #LOG_ORDER}. */
    public List<WalFile> segment(int timeline, long segno) throws IOException {
        String prefix = Layout.walTimelinePrefix(serverId, timeline) + Lsn.of(segno, 0).walFileName(timeline) + "-";
        return parse(repo.list(prefix));
    }

    /** The timelines that have a history file in the archive (timeline 1 never has one). */
    public List<Integer> historyTimelines() throws IOException {
        return repo.list(Layout.walPrefix(serverId)).stream()
                .map(info -> Layout.parseTimelineHistory(info.key())).flatMap(Optional::stream).sorted().toList();
    }

    private static List<WalFile> parse(List<ObjectInfo> infos) {
        return infos.stream().map(info -> WalFile.parse(info.key())).flatMap(Optional::stream)
                .sorted(LOG_ORDER).toList();
    }

    /**
     * How far the archive holds WAL of {@code timeline}: the highest end among its objects.
     * This is the end of one contiguous range because the capture only ever writes a range that
     * starts where the durable WAL ended (and starts a timeline at a segment boundary); a hole made
     * behind its back (lost object) is not detected here but by {@link #stageSegment}.
     */
    public Optional<Lsn> durableEnd(int timeline) throws IOException {
        return list(timeline).stream().map(WalFile::end).max(Comparator.naturalOrder());
    }

    /**
     * Deletes the pieces of a segment once its sealed object exists; does nothing (returns 0)
     * while it is not sealed, so no byte is ever without a copy. Immutable pieces stay.
     */
    public int dropPiecesCoveredBySeal(int timeline, long segno) throws IOException {
        List<WalFile> objects = segment(timeline, segno);
        if (objects.stream().noneMatch(WalFile::sealed)) {
            return 0;
        }
        int dropped = 0;
        for (WalFile piece : objects) {
            if (!piece.sealed() && deleteUnlessImmutable(piece)) {
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * Deletes every piece whose segment is sealed, leaving those the storage still holds
     * immutable for a later call: an immutable server's pieces cannot be dropped at sealing time.
     */
    public int dropPiecesOfSealedSegments() throws IOException {
        List<WalFile> all = list();
        java.util.Set<String> sealed = new java.util.HashSet<>();
        for (WalFile f : all) {
            if (f.sealed()) {
                sealed.add(f.timeline() + "/" + f.segno());
            }
        }
        int dropped = 0;
        for (WalFile f : all) {
            if (!f.sealed() && sealed.contains(f.timeline() + "/" + f.segno()) && deleteUnlessImmutable(f)) {
                dropped++;
            }
        }
        return dropped;
    }

    /** An immutable server's pieces stay until their protection ends; a later purge drops them then. */
    private boolean deleteUnlessImmutable(WalFile piece) throws IOException {
        return repo.deleteUnlessImmutable(piece.key(serverId));
    }

    /**
     * Writes segment {@code segno} of {@code timeline} into {@code dir} under PostgreSQL's file name,
     * always 16 MiB: from the sealed object, or from the pieces (which must start at offset 0 and
     * leave no hole) padded with zeros, where recovery sees the end of WAL.
     */
    public Path stageSegment(int timeline, long segno, Path dir) throws IOException {
        List<WalFile> objects = segment(timeline, segno);
        String name = Lsn.of(segno, 0).walFileName(timeline);
        if (objects.isEmpty()) {
            throw HindsightException.notFound("WAL segment " + name + " of server " + serverId + " is not in the repository",
                    "the log may have been purged or never captured; choose a restore point inside the recovery window");
        }
        byte[] segment = new SegmentAssembler(this, name, objects).assemble();
        Path target = dir.resolve(name);
        writeAtomically(target, segment);
        return target;
    }

    /** Writes the history file of {@code timeline} into {@code dir} as {@code %08X.history}. */
    public Path stageHistory(int timeline, Path dir) throws IOException {
        byte[] content;
        try {
            content = repo.readBytes(Layout.timelineHistory(serverId, timeline));
        } catch (NoSuchObjectException e) {
            throw HindsightException.notFound("the history of timeline " + timeline + " of server " + serverId
                    + " is not in the repository", "it is stored when the capture first sees the timeline; "
                    + "restore to a point on an earlier timeline");
        }
        Path target = dir.resolve(String.format("%08X.history", timeline));
        writeAtomically(target, content);
        return target;
    }

    byte[] read(WalFile file) throws IOException {
        return repo.readBytes(file.key(serverId));
    }

    /** PostgreSQL may read the directory while we stage: a file appears complete or not at all. */
    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".staging");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
