package dev.hindsight.repo;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every object name in a repository is decided here, and nowhere else.
 *
 * <pre>
 * keyring.json, keyring.json.copy                     the wrapped data key (plain JSON, written twice)
 * keys/key-{id}.json, …json.copy                      a data key made by rotation, wrapped the same way
 * catalog/catalog-000000000042, …-000000000042.copy   catalog version 42 (written twice)
 * servers/{server}/backups/{backup}/manifest          a backup's manifest
 * servers/{server}/backups/{backup}/bundle-{w}-{n}    file data packed by worker w, n-th bundle
 * servers/{server}/backups/{backup}/blockmap          a full's per-block checksums (differentials read it)
 * servers/{server}/backups/{backup}/stream-{n}        n-th part of a MariaDB backup's xbstream
 * servers/{server}/wal/{TLI}/{segment}-{start}-{end}-{millis}   WAL bytes [start,end) of a segment
 * servers/{server}/wal/{TLI}.history                  a timeline history file
 * servers/{server}/walsummary/{TLI}/{start}-{end}      blocks named by the WAL records starting in [start,end)
 * servers/{server}/binlog/{file}/{start}-{end}-{millis}[-sealed]   bytes [start,end) of a MariaDB binary log file
 * </pre>
 * WAL objects carry their range and receive time in the name so that the log inventory is a
 * listing: it grows every second, and rewriting a catalog every second would not scale.
 * Names are built and parsed from plain values; each engine wraps them in its own records.
 */
public final class Layout {
    public static final String KEYRING = "keyring.json";
    public static final String COPY_SUFFIX = ".copy";
    public static final String CATALOG_PREFIX = "catalog/";
    public static final String SERVERS_PREFIX = "servers/";

    private static final Pattern DATA_KEY = Pattern.compile("keys/key-([0-9a-f]{16})\\.json(\\.copy)?");
    private static final Pattern CATALOG = Pattern.compile("catalog/catalog-(\\d{12})(\\.copy)?");
    private static final Pattern WAL = Pattern.compile(
            ".*/wal/([0-9A-F]{8})/([0-9A-F]{24})-([0-9a-f]{8})-([0-9a-f]{8})-(\\d+)");
    private static final Pattern HISTORY = Pattern.compile(".*/wal/([0-9A-F]{8})\\.history");
    /** A binary log file is named BASE.NNNNNN (six digits or more), the number the server counts up. */
    private static final Pattern BINLOG = Pattern.compile(
            ".*/binlog/([A-Za-z0-9_.-]+\\.\\d{6,})/([0-9a-f]{12})-([0-9a-f]{12})-(\\d+)(-sealed)?");
    private static final Pattern WAL_SUMMARY = Pattern.compile(".*/walsummary/([0-9A-F]{8})/([0-9A-F]{16})-([0-9A-F]{16})");

    private Layout() {
    }

    public static String keyringCopy() {
        return KEYRING + COPY_SUFFIX;
    }

    /** Where the data keys made by rotation live, one file (and its copy) per key. */
    public static final String KEYS_PREFIX = "keys/";

    /** A rotated data key, wrapped like the keyring's: {@code keys/key-{id}.json}. */
    public static String dataKeyFile(String keyId) {
        return KEYS_PREFIX + "key-" + keyId + ".json";
    }

    /** The key id a key file's name carries, if it names a key file or its copy. */
    public static Optional<String> dataKeyId(String key) {
        Matcher m = DATA_KEY.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** What every other object needs to be read: the keyring's two copies and the rotated key files (a prefix). */
    public static java.util.List<String> sharedObjects() {
        return java.util.List.of(KEYRING, keyringCopy(), KEYS_PREFIX);
    }

    /** Both copies of the keyring: every other object needs them to be read. */
    public static java.util.List<String> keyringObjects() {
        return java.util.List.of(KEYRING, keyringCopy());
    }

    public static String catalog(long sequence) {
        return String.format("catalog/catalog-%012d", sequence);
    }

    public static String catalogCopy(long sequence) {
        return catalog(sequence) + COPY_SUFFIX;
    }

    /** The catalog sequence a key names, if it names a catalog version or its copy. */
    public static Optional<Long> catalogSequence(String key) {
        Matcher m = CATALOG.matcher(key);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    public static String serverPrefix(String serverId) {
        return SERVERS_PREFIX + serverId + "/";
    }

    /** The server whose object this is, for keys under {@link #serverPrefix}; empty for repository-wide keys. */
    public static Optional<String> serverOf(String key) {
        if (!key.startsWith(SERVERS_PREFIX)) {
            return Optional.empty();
        }
        int end = key.indexOf('/', SERVERS_PREFIX.length());
        return end < 0 ? Optional.empty() : Optional.of(key.substring(SERVERS_PREFIX.length(), end));
    }

    public static String backupPrefix(String serverId, String backupId) {
        return serverPrefix(serverId) + "backups/" + backupId + "/";
    }

    public static String manifest(String serverId, String backupId) {
        return backupPrefix(serverId, backupId) + "manifest";
    }

    public static String blockMap(String serverId, String backupId) {
        return backupPrefix(serverId, backupId) + "blockmap";
    }

    public static String bundle(String serverId, String backupId, int worker, int sequence) {
        return backupPrefix(serverId, backupId) + String.format("bundle-%02d-%06d", worker, sequence);
    }

    public static String backupStreamPart(String serverId, String backupId, int sequence) {
        return backupPrefix(serverId, backupId) + String.format("stream-%06d", sequence);
    }

    public static String walPrefix(String serverId) {
        return serverPrefix(serverId) + "wal/";
    }

    public static String walTimelinePrefix(String serverId, int timeline) {
        return walPrefix(serverId) + String.format("%08X/", timeline);
    }

    /** What a WAL object's name says: bytes [start, end) of {@code segment} on {@code timeline}, durable at {@code durableAt}. */
    public record WalName(int timeline, String segment, long start, long end, Instant durableAt) {
    }

    /** A WAL object's key; {@code segment} is PostgreSQL's 24-hex-digit name of its segment. */
    public static String wal(String serverId, WalName name) {
        return walTimelinePrefix(serverId, name.timeline()) + String.format("%s-%08x-%08x-%d",
                name.segment(), name.start(), name.end(), name.durableAt().toEpochMilli());
    }

    /** Parses a key made by {@link #wal}; empty for any other key. */
    public static Optional<WalName> parseWal(String key) {
        Matcher m = WAL.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        int timeline = Integer.parseUnsignedInt(m.group(1), 16);
        String segment = m.group(2);
        if (Integer.parseUnsignedInt(segment.substring(0, 8), 16) != timeline) {
            return Optional.empty();
        }
        return Optional.of(new WalName(timeline, segment, Long.parseLong(m.group(3), 16),
                Long.parseLong(m.group(4), 16), Instant.ofEpochMilli(Long.parseLong(m.group(5)))));
    }

    public static String timelineHistory(String serverId, int timeline) {
        return walPrefix(serverId) + String.format("%08X.history", timeline);
    }

    /** The timeline a history key names; empty for any other key. */
    public static Optional<Integer> parseTimelineHistory(String key) {
        Matcher m = HISTORY.matcher(key);
        return m.matches() ? Optional.of(Integer.parseUnsignedInt(m.group(1), 16)) : Optional.empty();
    }

    /** What a WAL summary's name says: which blocks the records starting in [{@code start}, {@code end}) name. */
    public record WalSummaryName(int timeline, long start, long end) {
    }

    public static String walSummaryPrefix(String serverId) {
        return serverPrefix(serverId) + "walsummary/";
    }

    public static String walSummaryPrefix(String serverId, int timeline) {
        return walSummaryPrefix(serverId) + String.format("%08X/", timeline);
    }

    public static String walSummary(String serverId, WalSummaryName summary) {
        return walSummaryPrefix(serverId, summary.timeline())
                + String.format("%016X-%016X", summary.start(), summary.end());
    }

    /** Parses a key made by {@link #walSummary}; empty for any other key. */
    public static Optional<WalSummaryName> parseWalSummary(String key) {
        Matcher m = WAL_SUMMARY.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new WalSummaryName(Integer.parseUnsignedInt(m.group(1), 16),
                Long.parseUnsignedLong(m.group(2), 16), Long.parseUnsignedLong(m.group(3), 16)));
    }

    public static String binlogPrefix(String serverId) {
        return serverPrefix(serverId) + "binlog/";
    }

    public static String binlogFilePrefix(String serverId, String file) {
        return binlogPrefix(serverId) + file + "/";
    }

    /**
     * What a binary log object's name says: bytes [start, end) of binary log {@code file}, durable
     * at {@code durableAt}; {@code sealed} when the file ends there.
     */
    public record BinlogName(String file, long start, long end, Instant durableAt, boolean sealed) {
    }

    public static String binlog(String serverId, BinlogName name) {
        return binlogFilePrefix(serverId, name.file()) + String.format("%012x-%012x-%d%s", name.start(),
                name.end(), name.durableAt().toEpochMilli(), name.sealed() ? "-sealed" : "");
    }

    /** Parses a key made by {@link #binlog}; empty for any other key. */
    public static Optional<BinlogName> parseBinlog(String key) {
        Matcher m = BINLOG.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        long start = Long.parseLong(m.group(2), 16);
        long end = Long.parseLong(m.group(3), 16);
        if (end < start) {
            return Optional.empty();
        }
        return Optional.of(new BinlogName(m.group(1), start, end, Instant.ofEpochMilli(Long.parseLong(m.group(4))),
                m.group(5) != null));
    }
}
