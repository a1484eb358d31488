package dev.hindsight.engine.mariadb;

import dev.hindsight.plan.LogChain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The binary logs a repository holds for one server, read as one chain: the files in the
 * server's order, each as far as its objects reach without a hole. A file is part of a
 * contiguous run only if the one before it is sealed (its end is known) and the next starts
 * where the server started it. Retention keeps or deletes binary logs a whole file at a time.
 */
public final class BinlogChain implements LogChain<BinlogPosition> {
    /**
     * How far one file reaches from its start, and since when that is durable.
     *
     * @param sealed the server wrote nothing after {@code reach}
     */
    public record FileReach(String file, long reach, boolean sealed, Instant durableAt) {
        public BinlogPosition end() {
            return new BinlogPosition(file, reach);
        }

        public long sequence() {
            return BinlogPosition.sequenceOf(file);
        }
    }

    /** The contiguous run of files from a start position, and the first hole after it, if any. */
    public record Run(List<FileReach> files, Optional<String> gap) implements LogChain.Run<BinlogPosition> {
        @Override
        public boolean reaches(BinlogPosition position) {
            return end().isPresent() && !end().get().isBefore(position);
        }

        public Optional<BinlogPosition> end() {
            return files.isEmpty() ? Optional.empty() : Optional.of(files.get(files.size() - 1).end());
        }

        @Override
        public Optional<Instant> durableAt() {
            return files.isEmpty() ? Optional.empty() : Optional.of(files.get(files.size() - 1).durableAt());
        }
    }

    private final List<FileReach> files = new ArrayList<>();
    private final List<BinlogPiece> pieces;

    /** @param pieces in {@link BinlogArchive#LOG_ORDER} */
    public BinlogChain(List<BinlogPiece> pieces) {
        this.pieces = List.copyOf(pieces);
        Map<String, List<BinlogPiece>> byFile = new LinkedHashMap<>();
        for (BinlogPiece p : pieces) {
            byFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p);
        }
        byFile.values().forEach(list -> reach(list).ifPresent(files::add));
        files.sort(Comparator.comparingLong(FileReach::sequence));
    }

    private static Optional<FileReach> reach(List<BinlogPiece> pieces) {
        long reach = 0;
        Instant durableAt = null;
        for (BinlogPiece p : pieces) {
            if (p.start() <= reach && p.end() > reach) {
                reach = p.end();
                durableAt = p.receivedAt();
            }
        }
        final long end = reach;
        Optional<BinlogPiece> seal = pieces.stream().filter(p -> p.sealed() && p.end() == end).findFirst();
        if (reach == 0) {
            return Optional.empty();
        }
        // not the seal's time: a seal learnt late (the server went on to the next file after a crash)
        // says nothing about when the server wrote what followed, which may not be held yet
        return Optional.of(new FileReach(pieces.get(0).file(), reach, seal.isPresent(), durableAt));
    }

    public List<FileReach> files() {
        return List.copyOf(files);
    }

    @Override
    public long bytesAfter(BinlogPosition start) {
        long bytes = 0;
        for (FileReach f : files) {
            if (f.sequence() == start.sequence()) {
                bytes += Math.max(0, f.reach() - start.offset());
            } else if (f.sequence() > start.sequence()) {
                bytes += f.reach();
            }
        }
        return bytes;
    }

    @Override
    public BinlogPosition position(String text) {
        return BinlogPosition.parse(text);
    }

    @Override
    public List<BinlogPiece> objects() {
        return pieces;
    }

    @Override
    public long unitOf(BinlogPosition position) {
        return position.sequence();
    }

    /**
     * The contiguous chain from the file holding {@code start}: it goes on to the next file while
     * the current one is sealed, and stops at the first missing file or unsealed file (the open
     * tail). A hole with later logs beyond it is described rather than skipped.
     */
    @Override
    public Run from(BinlogPosition start) {
        List<FileReach> run = new ArrayList<>();
        Optional<String> gap = Optional.empty();
        long sequence = start.sequence();
        int i = indexOf(sequence);
        while (true) {
            if (i < 0 || i >= files.size() || files.get(i).sequence() != sequence) {
                long missing = sequence;
                if (files.stream().anyMatch(f -> f.sequence() > missing)) {
                    gap = Optional.of("binary log file number " + sequence + " is missing, yet later logs exist");
                }
                break;
            }
            FileReach f = files.get(i);
            run.add(f);
            if (!f.sealed()) {
                if (i + 1 < files.size()) {
                    gap = Optional.of("binary log " + f.file() + " ends at byte " + f.reach()
                            + " without its end, yet later logs exist");
                }
                break;
            }
            sequence++;
            i++;
        }
        return new Run(List.copyOf(run), gap);
    }

    private int indexOf(long sequence) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).sequence() == sequence) {
                return i;
            }
        }
        return -1;
    }
}
