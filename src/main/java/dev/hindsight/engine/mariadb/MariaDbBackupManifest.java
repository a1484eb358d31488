package dev.hindsight.engine.mariadb;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;

/**
 * What a MariaDB backup is: a mariadb-backup xbstream cut into parts, where its data is
 * consistent in the binary log, and the InnoDB LSN range it holds (a differential holds the
 * pages changed since its full's {@code toLsn}).
 *
 * @param position   the binary log position the data is consistent at: replay starts here
 * @param gtid       the server's GTID position at that point (gtid_binlog_pos), may be empty
 * @param fromLsn    0 for a full; the full's {@code toLsn} for a differential
 * @param parts      the stream's parts in order
 * @param source     where it was taken: null for the server itself, {@code standby ID} for its
 *                   replica of that id (a differential's pages are judged by the LSNs of the
 *                   server it is taken on, so it needs a full from the same one)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MariaDbBackupManifest(int format, String kind, String baseBackupId, String serverVersion,
                                    String position, String gtid, long fromLsn, long toLsn, Instant consistentAt,
                                    List<Part> parts, String source) {
    public static final int FORMAT = 1;
    public static final String FULL = "full";
    public static final String DIFF = "diff";

    public MariaDbBackupManifest {
        parts = List.copyOf(parts);
    }

    /**
     * One object of the stream: {@code key} holds {@code bytes} bytes whose CRC32C is
     * {@code crc32c}, stored compressed and encrypted in {@code storedBytes}. The object itself is
     * authenticated by AES-GCM under its own name; the CRC checks the whole part end to end (what
     * mbstream is fed is what mariadb-backup wrote) at hardware speed, where a SHA-256 cost the
     * writers a third of their time.
     */
    public record Part(String key, long bytes, long storedBytes, long crc32c) {
    }

    @JsonIgnore
    public long storedBytes() {
        return parts.stream().mapToLong(Part::storedBytes).sum();
    }

    @JsonIgnore
    public long streamBytes() {
        return parts.stream().mapToLong(Part::bytes).sum();
    }

    /** Where the data is consistent in the binary log, with the GTID position there. */
    @JsonIgnore
    public BinlogPosition binlogPosition() {
        BinlogPosition p = BinlogPosition.parse(position);
        return new BinlogPosition(p.file(), p.offset(), gtid);
    }
}
