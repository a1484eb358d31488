package dev.hindsight.engine.postgres;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocks a range of WAL may have changed, read from {@code pg_waldump}'s text (PostgreSQL's
 * own decoder for the server's exact version): every block reference of every record, plus the
 * file-level records that change pages without naming them — a relation created or truncated
 * (everything from the new end on counts as changed) and a database directory copied whole
 * ({@code CREATE DATABASE … STRATEGY FILE_COPY}: every file in it counts as changed). Anything it
 * cannot map to a data-directory path (a tablespace) makes the summary unplaceable: the
 * differential then reads every page instead. Summaries of consecutive stretches of WAL merge
 * into one, and travel as bytes (see {@link PgWalSummaries}).
 */
final class PgChangedBlocks {
    /** Blocks per segment file (RELSEG_SIZE): 1 GiB of 8 KiB pages, PostgreSQL's build default. */
    static final long BLOCKS_PER_SEGMENT = 131_072;
    private static final long DEFAULT_TABLESPACE = 1663;
    private static final long GLOBAL_TABLESPACE = 1664;

    /** A block reference: {@code blkref #<n>: rel <tablespace>/<database>/<relfilenode>[ fork <name>] blk <block>}. */
    private static final String BLOCK_REF = "blkref #";
    private static final Pattern CREATE = Pattern.compile("rmgr: Storage .*desc: CREATE (\\S+)");
    private static final Pattern TRUNCATE = Pattern.compile("rmgr: Storage .*desc: TRUNCATE (\\S+) to (\\d+) blocks");
    private static final Pattern NEW_DATABASE = Pattern.compile(
            "rmgr: Database .*desc: (?:CREATE_FILE_COPY copy dir \\d+/\\d+ to|CREATE_WAL_LOG create dir) (\\d+)/(\\d+)");
    private static final String TABLESPACE = "rmgr: Tablespace ";
    private static final String SWITCH = "desc: SWITCH";
    private static final int FORMAT = 1;

    /** Per segment file ("base/5/16384", "base/5/16384.1", "base/5/16384_vm"): blocks within it. */
    private final Map<String, BitSet> blocks = new HashMap<>();
    /**
     * Per relation as the records name it ("1663/5/16384 fork vm"): its segment files' entries of
     * {@link #blocks}, so a block reference costs one lookup, not a path built and hashed; null
     * for a relation outside the data directory. Only used while reading.
     */
    private final Map<String, Relation> relations = new HashMap<>();
    /** Per relation fork ("base/5/16384", "base/5/16384_vm"): the first relation block that counts as changed. */
    private final Map<String, Long> changedFrom = new HashMap<>();
    /** Directories ("base/16390/") whose every file counts as changed. */
    private final Set<String> wholeDirectories = new HashSet<>();
    private long records;
    private boolean placeable = true;
    /** The position of the last record read, and whether it was a segment switch (the rest of its segment is padding). */
    private Lsn lastRecord;
    private boolean lastRecordSwitches;

    private PgChangedBlocks() {
    }

    /** Nothing changed: what merging starts from. */
    static PgChangedBlocks none() {
        return new PgChangedBlocks();
    }

    /** Reads pg_waldump's default output; empty if a record touches something we cannot place. */
    static Optional<PgChangedBlocks> parse(BufferedReader lines) throws IOException {
        PgChangedBlocks c = read(lines);
        return c.placeable ? Optional.of(c) : Optional.empty();
    }

    /**
     * Reads pg_waldump's default output to its last record (also past something unplaceable,
     * which only marks the result {@link #placeable() unplaceable}): a summarizer needs to know
     * where the records it read end either way.
     */
    static PgChangedBlocks read(BufferedReader lines) throws IOException {
        PgChangedBlocks c = new PgChangedBlocks();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("rmgr: ")) {
                c.add(line);
            }
        }
        return c;
    }

    private void add(String line) {
        records++;
        int at = line.indexOf(", lsn: ");
        int end = at < 0 ? -1 : line.indexOf(',', at + 7);
        if (end > 0) {
            try {
                lastRecord = Lsn.parse(line.substring(at + 7, end));
                lastRecordSwitches = line.startsWith("rmgr: XLOG ") && line.indexOf(SWITCH, end) > 0;
            } catch (IllegalArgumentException e) {
                // not a position: the summarizer then resumes at the last one it could read
            }
        }
        if (!placeable) {
            return;
        }
        if (line.startsWith(TABLESPACE)) {
            placeable = false;
            return;
        }
        // by hand, not by regular expression: this runs for every record of every WAL segment
        for (int i = line.indexOf(BLOCK_REF); i >= 0; i = line.indexOf(BLOCK_REF, i + 1)) {
            if (!addBlockRef(line, i)) {
                placeable = false;
                return;
            }
        }
        if (!line.startsWith("rmgr: Storage ") && !line.startsWith("rmgr: Database ")) {
            return;
        }
        Matcher m;
        if ((m = TRUNCATE.matcher(line)).lookingAt()) {
            // the heap goes to the new length; its vm and fsm are cut to sizes derived from it
            String main = m.group(1);
            changeFrom(main, Long.parseLong(m.group(2)));
            changeFrom(main + "_vm", 0);
            changeFrom(main + "_fsm", 0);
        } else if ((m = CREATE.matcher(line)).lookingAt()) {
            changeFrom(m.group(1), 0);
        } else if ((m = NEW_DATABASE.matcher(line)).lookingAt()) {
            if (Long.parseLong(m.group(1)) != DEFAULT_TABLESPACE) {
                placeable = false;
                return;
            }
            wholeDirectories.add("base/" + m.group(2) + "/");
        }
    }

    /**
     * Reads the block reference at {@code at} (a {@link #BLOCK_REF}) and marks its block; false if
     * it names a relation outside the data directory. Text after "blkref #" that is not a block
     * reference is passed over.
     */
    private boolean addBlockRef(String line, int at) {
        int i = digits(line, at + BLOCK_REF.length());
        if (i < 0 || !line.startsWith(": rel ", i)) {
            return true;
        }
        int relStart = i + 6;
        int slash1 = digits(line, relStart);
        int slash2 = slash1 < 0 || !line.startsWith("/", slash1) ? -1 : digits(line, slash1 + 1);
        int relEnd = slash2 < 0 || !line.startsWith("/", slash2) ? -1 : digits(line, slash2 + 1);
        if (relEnd < 0) {
            return true;
        }
        int forkStart = -1;
        if (line.startsWith(" fork ", relEnd)) {
            forkStart = relEnd + 6;
            relEnd = word(line, forkStart);
            if (relEnd < 0) {
                return true;
            }
        }
        int blockEnd = line.startsWith(" blk ", relEnd) ? digits(line, relEnd + 5) : -1;
        if (blockEnd < 0) {
            return true;
        }
        String name = line.substring(relStart, relEnd);
        Relation relation = relations.get(name);
        if (relation == null && !relations.containsKey(name)) {
            String path = relationPath(Long.parseLong(line, relStart, slash1, 10), line.substring(slash1 + 1, slash2),
                    line.substring(slash2 + 1, forkStart < 0 ? relEnd : forkStart - 6),
                    forkStart < 0 ? null : line.substring(forkStart, relEnd));
            relation = path == null ? null : new Relation(path);
            relations.put(name, relation);
        }
        if (relation == null) {
            return false;
        }
        long block = Long.parseLong(line, relEnd + 5, blockEnd, 10);
        relation.segment((int) (block / BLOCKS_PER_SEGMENT)).set((int) (block % BLOCKS_PER_SEGMENT));
        return true;
    }

    /** The end of the decimal digits (at least one) starting at {@code from}; -1 if there are none. */
    private static int digits(String line, int from) {
        int i = from;
        while (i < line.length() && line.charAt(i) >= '0' && line.charAt(i) <= '9') {
            i++;
        }
        return i > from ? i : -1;
    }

    /** The end of the word characters (letters, digits, '_'; at least one) starting at {@code from}; -1 if none. */
    private static int word(String line, int from) {
        int i = from;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_')) {
            i++;
        }
        return i > from ? i : -1;
    }

    /** One relation fork's segment files, each an entry of {@link #blocks}. */
    private final class Relation {
        private final String path;
        private BitSet[] segments = new BitSet[1];

        Relation(String path) {
            this.path = path;
        }

        BitSet segment(int n) {
            if (n >= segments.length) {
                segments = Arrays.copyOf(segments, Math.max(n + 1, segments.length * 2));
            }
            BitSet bits = segments[n];
            if (bits == null) {
                bits = blocks.computeIfAbsent(n == 0 ? path : path + "." + n, k -> new BitSet());
                segments[n] = bits;
            }
            return bits;
        }
    }

    /** Adds everything {@code other} marks as changed to this summary. */
    void merge(PgChangedBlocks other) {
        records += other.records;
        placeable &= other.placeable;
        other.blocks.forEach((path, bits) -> blocks.computeIfAbsent(path, k -> new BitSet()).or(bits));
        other.changedFrom.forEach(this::changeFrom);
        wholeDirectories.addAll(other.wholeDirectories);
    }

    /** Whether both name the same blocks, relations and directories (however many records that took). */
    boolean sameChangesAs(PgChangedBlocks other) {
        return placeable == other.placeable && blocks.equals(other.blocks) && changedFrom.equals(other.changedFrom)
                && wholeDirectories.equals(other.wholeDirectories);
    }

    /** Whether every record maps to a file in the data directory (none touches a tablespace). */
    boolean placeable() {
        return placeable;
    }

    /** Where the last record read starts; empty if none was. */
    Optional<Lsn> lastRecord() {
        return Optional.ofNullable(lastRecord);
    }

    /** Whether the last record read is a segment switch: the next record starts at the next segment. */
    boolean lastRecordSwitches() {
        return lastRecordSwitches;
    }

    /** The summary as bytes: what {@link #fromBytes} reads (the positions of the last record are not kept). */
    byte[] toBytes() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(FORMAT);
            out.writeLong(records);
            out.writeBoolean(placeable);
            out.writeInt(blocks.size());
            for (Map.Entry<String, BitSet> e : blocks.entrySet()) {
                out.writeUTF(e.getKey());
                long[] words = e.getValue().toLongArray();
                out.writeInt(words.length);
                for (long w : words) {
                    out.writeLong(w);
                }
            }
            out.writeInt(changedFrom.size());
            for (Map.Entry<String, Long> e : changedFrom.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(wholeDirectories.size());
            for (String dir : wholeDirectories) {
                out.writeUTF(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return buffer.toByteArray();
    }

    static PgChangedBlocks fromBytes(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("WAL summary format " + format + " is not known to this version (" + FORMAT + ")");
        }
        PgChangedBlocks c = new PgChangedBlocks();
        c.records = in.readLong();
        c.placeable = in.readBoolean();
        for (int n = in.readInt(); n > 0; n--) {
            String path = in.readUTF();
            long[] words = new long[in.readInt()];
            for (int i = 0; i < words.length; i++) {
                words[i] = in.readLong();
            }
            c.blocks.put(path, BitSet.valueOf(words));
        }
        for (int n = in.readInt(); n > 0; n--) {
            c.changedFrom.put(in.readUTF(), in.readLong());
        }
        for (int n = in.readInt(); n > 0; n--) {
            c.wholeDirectories.add(in.readUTF());
        }
        return c;
    }

    private void changeFrom(String relationFork, long block) {
        changedFrom.merge(relationFork, block, Math::min);
    }

    /** The data-directory path of a relation fork (without segment number); null outside base/ and global/. */
    static String relationPath(long tablespace, String database, String relfilenode, String fork) {
        String suffix = fork == null || fork.equals("main") ? "" : "_" + fork;
        if (tablespace == DEFAULT_TABLESPACE) {
            return "base/" + database + "/" + relfilenode + suffix;
        }
        if (tablespace == GLOBAL_TABLESPACE) {
            return "global/" + relfilenode + suffix;
        }
        return null;
    }

    /** Whether block {@code block} of segment file {@code path} (e.g. "base/5/16384.1") may differ from the full. */
    boolean mayHaveChanged(String path, long block) {
        return forFile(path).mayHaveChanged(block);
    }

    /** What the WAL says of one segment file, looked up once so a file's blocks are checked by a bit test. */
    FileChanges forFile(String path) {
        int dot = path.lastIndexOf('.');
        String relation = dot > path.lastIndexOf('/') ? path.substring(0, dot) : path;
        long segment = relation.length() == path.length() ? 0 : Long.parseLong(path.substring(dot + 1));
        long from = Long.MAX_VALUE;
        Long relationFrom = changedFrom.get(relation);
        if (relationFrom != null) {
            from = Math.max(0, relationFrom - segment * BLOCKS_PER_SEGMENT);
        }
        for (String dir : wholeDirectories) {
            if (path.startsWith(dir)) {
                from = 0;
            }
        }
        return new FileChanges(blocks.get(path), from);
    }

    /**
     * The blocks of one segment file the WAL named, and the block from which on everything
     * counts as changed (a truncation or creation; {@code Long.MAX_VALUE} for none).
     */
    record FileChanges(BitSet named, long changedFrom) {
        boolean mayHaveChanged(long block) {
            return block >= changedFrom || (named != null && block < Integer.MAX_VALUE && named.get((int) block));
        }

        /** The first block at or after {@code block} that may have changed; {@code Long.MAX_VALUE} if none. */
        long nextChanged(long block) {
            long next = changedFrom;
            if (named != null && block < Integer.MAX_VALUE) {
                int bit = named.nextSetBit((int) block);
                if (bit >= 0) {
                    next = Math.min(next, bit);
                }
            }
            return Math.max(next, block);
        }
    }

    /** WAL records read, for the log. */
    long records() {
        return records;
    }

    /** Blocks named by the records (each counted once), for the log. */
    long blocksNamed() {
        return blocks.values().stream().mapToLong(BitSet::cardinality).sum();
    }
}
