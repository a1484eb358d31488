package dev.hindsight.engine.postgres;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hindsight.util.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a manifest as JSON, format {@link BackupManifest#FORMAT}: the fields of
 * {@link BackupManifest} by name, except that bundles are listed once ({@code bundles}) and an
 * extent is {@code [bundle index, bundle offset, length]}, its file offset being where the
 * previous one ended. A differential names a stretch of its full for every run of unchanged
 * pages, so extents are most of a manifest: spelled out as objects with the bundle's key they
 * took four times the bytes, and as long to write and read. {@link BackupManifestReader} reads
 * this and the earlier formats.
 */
final class BackupManifestWriter {
    private BackupManifestWriter() {
    }

    static byte[] write(BackupManifest m) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(buffer)) {
            g.writeStartObject();
            g.writeNumberField("format", m.format());
            g.writeStringField("backupId", m.backupId());
            g.writeStringField("serverId", m.serverId());
            g.writeStringField("engine", m.engine());
            g.writeStringField("kind", m.kind());
            g.writeStringField("baseBackupId", m.baseBackupId());
            g.writeNumberField("timeline", m.timeline());
            g.writeStringField("startLsn", text(m.startLsn()));
            g.writeStringField("checkpointLsn", text(m.checkpointLsn()));
            g.writeStringField("stopLsn", text(m.stopLsn()));
            g.writeStringField("startedAt", text(m.startedAt()));
            g.writeStringField("stoppedAt", text(m.stoppedAt()));
            g.writeStringField("backupLabel", m.backupLabel());
            g.writeStringField("tablespaceMap", m.tablespaceMap());
            g.writeArrayFieldStart("directories");
            for (BackupManifest.ManifestDir d : m.directories()) {
                g.writeStartObject();
                g.writeStringField("path", d.path());
                g.writeNumberField("mode", d.mode());
                g.writeEndObject();
            }
            g.writeEndArray();
            Map<String, Integer> bundles = new HashMap<>();
            g.writeArrayFieldStart("bundles");
            for (BackupManifest.ManifestFile f : m.files()) {
                for (BackupManifest.Extent e : f.extents()) {
                    if (bundles.putIfAbsent(e.bundle(), bundles.size()) == null) {
                        g.writeString(e.bundle());
                    }
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("files");
            for (BackupManifest.ManifestFile f : m.files()) {
                writeFile(g, f, bundles);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a manifest to memory", e);
        }
        return buffer.toByteArray();
    }

    private static void writeFile(JsonGenerator g, BackupManifest.ManifestFile f, Map<String, Integer> bundles)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("path", f.path());
        g.writeNumberField("size", f.size());
        g.writeNumberField("mode", f.mode());
        g.writeStringField("mtime", text(f.mtime()));
        if (f.sha256() != null) {
            g.writeStringField("sha256", f.sha256());
        }
        g.writeStringField("blockDigest", f.blockDigest());
        g.writeArrayFieldStart("extents");
        long fileOffset = 0;
        for (BackupManifest.Extent e : f.extents()) {
            if (e.fileOffset() != fileOffset) {
                throw new IllegalStateException("extents of " + f.path() + " are not in file order without gaps at "
                        + fileOffset + " (next starts at " + e.fileOffset() + ")");
            }
            g.writeStartArray();
            g.writeNumber(bundles.get(e.bundle()));
            g.writeNumber(e.bundleOffset());
            g.writeNumber(e.length());
            g.writeEndArray();
            fileOffset += e.length();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString(); // Lsn as X/X, Instant as ISO-8601 UTC
    }
}
