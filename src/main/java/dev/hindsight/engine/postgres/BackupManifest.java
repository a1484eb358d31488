package dev.hindsight.engine.postgres;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Everything needed to rebuild a data directory from a backup, stored as JSON beside its
 * bundles ({@link BackupManifestWriter}, {@link BackupManifestReader}). Each file is a list of {@link Extent}s that name their bundle by full key, so a later
 * differential manifest can point at extents of the full it is based on without copying them.
 * LSNs are written in PostgreSQL's text form so a manifest can be read by a person.
 *
 * @param format        manifest format version ({@link #FORMAT}); readers refuse newer ones
 * @param kind          {@code full}, or {@code diff} for a differential whose unchanged pages are
 *                      extents of the full {@code baseBackupId} (null for a full)
 * @param startLsn      where replay must start: the backup checkpoint's redo location
 * @param checkpointLsn the checkpoint record written by {@code pg_backup_start}
 * @param stopLsn       replay must reach this position before the copy is consistent
 * @param backupLabel   the {@code backup_label} text that {@code pg_backup_stop} returned
 * @param tablespaceMap the {@code tablespace_map} text; empty when there are no tablespaces
 */
public record BackupManifest(
        int format,
        String backupId,
        String serverId,
        String engine,
        String kind,
        String baseBackupId,
        int timeline,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = LsnText.class) Lsn startLsn,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = LsnText.class) Lsn checkpointLsn,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = LsnText.class) Lsn stopLsn,
        Instant startedAt,
        Instant stoppedAt,
        String backupLabel,
        String tablespaceMap,
        List<ManifestDir> directories,
        List<ManifestFile> files) {

    /**
     * 3: bundles listed once, extents as {@code [bundle, offset, length]} ({@link BackupManifestWriter});
     * 2: block digests instead of SHA-256, kinds and bases. Formats 1 and 2 are still read.
     */
    public static final int FORMAT = 3;
    public static final String ENGINE = "postgres";
    public static final String FULL = "full";
    public static final String DIFF = "diff";

    public BackupManifest {
        kind = kind == null ? FULL : kind; // format 1 knew fulls only
        directories = List.copyOf(directories);
        files = List.copyOf(files);
    }

    @JsonIgnore
    public boolean isFull() {
        return FULL.equals(kind);
    }

    /** Bytes of file data the manifest describes (what a restore writes). */
    public long logicalBytes() {
        return files.stream().mapToLong(ManifestFile::size).sum();
    }

    /** A directory of the data directory, by path relative to it ('/'-separated). */
    public record ManifestDir(String path, int mode) {
    }

    /**
     * One file as it was read: {@code size} bytes spread over extents ordered by file offset
     * that together cover [0, size). Its content is checked by {@code blockDigest} (see
     * {@link BlockChecksums}); format 1 manifests have {@code sha256} (lower-case hex) instead.
     */
    public record ManifestFile(String path, long size, int mode, Instant mtime, String sha256, String blockDigest,
                               List<Extent> extents) {
        public ManifestFile {
            extents = List.copyOf(extents);
        }
    }

    /**
     * {@code length} bytes of a file starting at {@code fileOffset}, found at {@code bundleOffset}
     * of the decoded object {@code bundle} (a full repository key).
     */
    public record Extent(String bundle, long bundleOffset, long length, long fileOffset) {
    }

    /** Reads an LSN from its {@code X/X} text form. */
    static final class LsnText extends StdDeserializer<Lsn> {
        private static final long serialVersionUID = 1L;

        LsnText() {
            super(Lsn.class);
        }

        @Override
        public Lsn deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return Lsn.parse(text);
            } catch (IllegalArgumentException e) {
                return (Lsn) ctxt.handleWeirdStringValue(Lsn.class, text, "not an LSN (X/X)");
            }
        }
    }
}
