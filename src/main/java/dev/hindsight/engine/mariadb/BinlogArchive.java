package dev.hindsight.engine.mariadb;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectExistsException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The binary logs of one server as kept in a repository: per file, pieces of the open tail (one
 * per flush), larger chunks that replace them, and the sealed object that ends the file. The
 * inventory is the listing itself, so nothing here keeps state and restores may read while a
 * capture writes.
 */
public final class BinlogArchive {
    /** Order of the log: file number, start, end (longest first), then receive time. */
    public static final Comparator<BinlogPiece> LOG_ORDER = Comparator.comparingLong(BinlogPiece::sequence)
            .thenComparingLong(BinlogPiece::start).thenComparing(Comparator.comparingLong(BinlogPiece::end).reversed())
            .thenComparing(BinlogPiece::receivedAt);

    private final Repository repo;
    private final String serverId;

    public BinlogArchive(Repository repo, String serverId) {
        this.repo = repo;
        this.serverId = serverId;
    }

    /**
     * Writes bytes [start, end) of a file, taken from {@code buf} at {@code off}, as one object;
     * durable when this returns. Re-putting the same object (a retry) succeeds: the name fixes
     * the content.
     */
    public void put(BinlogPiece piece, byte[] buf, int off) throws IOException {
        put(piece, buf, off, false);
    }

    /** {@link #put} for a tail piece, which its chunk rewrites: compressed at the short-lived level. */
    public void putTail(BinlogPiece piece, byte[] buf, int off) throws IOException {
        put(piece, buf, off, true);
    }

    private void put(BinlogPiece piece, byte[] buf, int off, boolean tail) throws IOException {
        Repository.BodyWriter body = out -> out.write(buf, off, (int) piece.length());
        try {
            if (tail) {
                repo.writeShortLived(piece.key(serverId), body);
            } else {
                repo.write(piece.key(serverId), body);
            }
        } catch (ObjectExistsException e) {
            // an earlier attempt got through before failing; same name, same bytes
        }
    }

    /** Every binary log object of the server, in {@link #LOG_ORDER}. */
    public List<BinlogPiece> list() throws IOException {
        return parse(repo.list(Layout.binlogPrefix(serverId)));
    }

    /** The objects of one file, in {@link #LOG_ORDER}. */
    public List<BinlogPiece> file(String file) throws IOException {
        return parse(repo.list(Layout.binlogFilePrefix(serverId, file)));
    }

    private static List<BinlogPiece> parse(List<ObjectInfo> infos) {
        return infos.stream().map(i -> BinlogPiece.parse(i.key())).flatMap(Optional::stream).sorted(LOG_ORDER).toList();
    }

    /** Where the archive's binary log ends: the newest file, how far it reaches, and whether it is sealed. */
    public Optional<BinlogChain.FileReach> durableEnd() throws IOException {
        List<BinlogChain.FileReach> files = new BinlogChain(list()).files();
        return files.isEmpty() ? Optional.empty() : Optional.of(files.get(files.size() - 1));
    }

    /**
     * Deletes the other objects of the file that lie inside {@code cover}'s range, once
     * {@code cover} is stored: every byte keeps a copy.
     */
    public int dropPiecesCoveredBy(BinlogPiece cover) throws IOException {
        int dropped = 0;
        for (BinlogPiece p : file(cover.file())) {
            boolean inside = p.start() >= cover.start() && p.end() <= cover.end() && p.length() > 0;
            // an immutable server's pieces stay until retention removes the whole file
            if (inside && !p.equals(cover) && !p.sealed() && repo.deleteUnlessImmutable(p.key(serverId))) {
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * Writes binary log {@code file} into {@code dir} under its own name, bytes [0, upTo): from the
     * objects, which must leave no hole. Returns the written path.
     */
    public Path stage(String file, long upTo, Path dir) throws IOException {
        Path target = dir.resolve(file);
        Path temp = dir.resolve(file + ".partial");
        long[] at = {0};
        try (OutputStream out = Files.newOutputStream(temp)) {
            // a capture may replace pieces by a chunk while this reads: a vanished piece means list again
            for (int attempt = 0; at[0] < upTo && attempt < 5; attempt++) {
                try {
                    copyFrom(file(file), at, upTo, out);
                } catch (NoSuchObjectException e) {
                    continue;
                }
                break;
            }
        }
        if (at[0] < upTo) {
            Files.deleteIfExists(temp);
            throw new HindsightException(HindsightException.Kind.CORRUPT, "binary log " + file + " of server "
                    + serverId + " is in the repository only up to byte " + at[0] + ", short of " + upTo,
                    "choose a restore point inside the restore window (`hindsight server show`)");
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * Writes bytes [at[0], upTo) from the objects, in order, as far as they reach without a hole,
     * moving {@code at[0]} past each object written (an object that vanished fails at its opening,
     * before any of its bytes are written).
     */
    private void copyFrom(List<BinlogPiece> objects, long[] at, long upTo, OutputStream out) throws IOException {
        for (BinlogPiece p : objects) {
            if (at[0] >= upTo) {
                break;
            }
            if (p.end() <= at[0] || p.length() == 0) {
                continue; // already written from an earlier, larger object
            }
            if (p.start() > at[0]) {
                break;
            }
            try (InputStream in = repo.read(p.key(serverId))) {
                in.skipNBytes(at[0] - p.start());
                long n = Math.min(p.end(), upTo) - at[0];
                copy(in, out, n);
                at[0] += n;
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("binary log object ended early");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }
}
