package dev.hindsight.engine.postgres;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hindsight.util.Json;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a manifest's JSON — format 3 as {@link BackupManifestWriter} writes it, formats 1 and 2
 * as Jackson's data binding wrote {@link BackupManifest} — with the streaming parser. A differential reads its full's manifest on every run and a restore reads
 * every manifest it uses; binding a few thousand file entries the first time in a process costs
 * about three times as long, most of it in building binders and in the general ISO-8601 parser.
 * Unknown fields are skipped, as the mapper does, so newer writers stay readable.
 */
final class BackupManifestReader {
    private BackupManifestReader() {
    }

    static BackupManifest read(byte[] json) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, p);
            int format = 0;
            int timeline = 0;
            String backupId = null;
            String serverId = null;
            String engine = null;
            String kind = null;
            String baseBackupId = null;
            String backupLabel = null;
            String tablespaceMap = null;
            Lsn startLsn = null;
            Lsn checkpointLsn = null;
            Lsn stopLsn = null;
            Instant startedAt = null;
            Instant stoppedAt = null;
            List<BackupManifest.ManifestDir> directories = List.of();
            List<String> bundles = null;
            List<BackupManifest.ManifestFile> files = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (field.equals("format") && p.getIntValue() > BackupManifest.FORMAT) {
                    // a newer writer's layout may not parse here: its number is what the caller needs
                    return new BackupManifest(p.getIntValue(), backupId, serverId, engine, kind, baseBackupId,
                            timeline, null, null, null, null, null, null, null, List.of(), List.of());
                }
                switch (field) {
                    case "format" -> format = p.getIntValue();
                    case "backupId" -> backupId = p.getText();
                    case "serverId" -> serverId = p.getText();
                    case "engine" -> engine = p.getText();
                    case "kind" -> kind = p.getText();
                    case "baseBackupId" -> baseBackupId = p.getText();
                    case "timeline" -> timeline = p.getIntValue();
                    case "startLsn" -> startLsn = lsn(p);
                    case "checkpointLsn" -> checkpointLsn = lsn(p);
                    case "stopLsn" -> stopLsn = lsn(p);
                    case "startedAt" -> startedAt = instant(p.getText());
                    case "stoppedAt" -> stoppedAt = instant(p.getText());
                    case "backupLabel" -> backupLabel = p.getText();
                    case "tablespaceMap" -> tablespaceMap = p.getText();
                    case "directories" -> directories = directories(p);
                    case "bundles" -> bundles = strings(p);
                    case "files" -> files = files(p, bundles);
                    default -> p.skipChildren();
                }
            }
            return new BackupManifest(format, backupId, serverId, engine, kind, baseBackupId, timeline, startLsn,
                    checkpointLsn, stopLsn, startedAt, stoppedAt, backupLabel, tablespaceMap, directories, files);
        }
    }

    private static List<BackupManifest.ManifestDir> directories(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_ARRAY, p);
        List<BackupManifest.ManifestDir> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String path = null;
            int mode = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "path" -> path = text(p);
                    case "mode" -> mode = p.getIntValue();
                    default -> p.skipChildren();
                }
            }
            out.add(new BackupManifest.ManifestDir(path, mode));
        }
        return out;
    }

    private static List<String> strings(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_ARRAY, p);
        List<String> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.VALUE_STRING) {
            out.add(p.getText());
        }
        expect(p.currentToken(), JsonToken.END_ARRAY, p);
        return out;
    }

    /** @param bundles the bundle table format 3 extents refer to (written before the files); null before it */
    private static List<BackupManifest.ManifestFile> files(JsonParser p, List<String> bundles) throws IOException {
        expect(p.currentToken(), JsonToken.START_ARRAY, p);
        List<BackupManifest.ManifestFile> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String path = null;
            String sha256 = null;
            String blockDigest = null;
            long size = 0;
            int mode = 0;
            Instant mtime = null;
            List<BackupManifest.Extent> extents = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (field) {
                    case "path" -> path = p.getText();
                    case "size" -> size = p.getLongValue();
                    case "mode" -> mode = p.getIntValue();
                    case "mtime" -> mtime = instant(p.getText());
                    case "sha256" -> sha256 = p.getText();
                    case "blockDigest" -> blockDigest = p.getText();
                    case "extents" -> extents = extents(p, bundles);
                    default -> p.skipChildren();
                }
            }
            out.add(new BackupManifest.ManifestFile(path, size, mode, mtime, sha256, blockDigest, extents));
        }
        return out;
    }

    /** Extents as {@code [bundle index, bundle offset, length]} (format 3) or as objects (formats 1 and 2). */
    private static List<BackupManifest.Extent> extents(JsonParser p, List<String> bundles) throws IOException {
        expect(p.currentToken(), JsonToken.START_ARRAY, p);
        List<BackupManifest.Extent> out = new ArrayList<>();
        long fileOffset = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            BackupManifest.Extent e = t == JsonToken.START_ARRAY ? compactExtent(p, bundles, fileOffset) : objectExtent(p);
            out.add(e);
            fileOffset = e.fileOffset() + e.length();
        }
        return out;
    }

    private static BackupManifest.Extent compactExtent(JsonParser p, List<String> bundles, long fileOffset)
            throws IOException {
        long[] v = new long[3];
        for (int i = 0; i < 3; i++) {
            expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, p);
            v[i] = p.getLongValue();
        }
        expect(p.nextToken(), JsonToken.END_ARRAY, p);
        if (bundles == null || v[0] < 0 || v[0] >= bundles.size()) {
            throw new IOException("extent names bundle " + v[0] + " at " + p.currentLocation() + ", but the manifest lists "
                    + (bundles == null ? "no bundles before its files" : bundles.size() + " bundles"));
        }
        return new BackupManifest.Extent(bundles.get((int) v[0]), v[1], v[2], fileOffset);
    }

    private static BackupManifest.Extent objectExtent(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT, p);
        String bundle = null;
        long bundleOffset = 0;
        long length = 0;
        long fileOffset = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "bundle" -> bundle = text(p);
                case "bundleOffset" -> bundleOffset = p.getLongValue();
                case "length" -> length = p.getLongValue();
                case "fileOffset" -> fileOffset = p.getLongValue();
                default -> p.skipChildren();
            }
        }
        return new BackupManifest.Extent(bundle, bundleOffset, length, fileOffset);
    }

    private static String text(JsonParser p) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText();
    }

    private static Lsn lsn(JsonParser p) throws IOException {
        try {
            return Lsn.parse(p.getText());
        } catch (IllegalArgumentException e) {
            throw new IOException("not an LSN (X/X) at " + p.currentLocation() + ": " + p.getText(), e);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, JsonParser p) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " at " + p.currentLocation() + ", found " + actual);
        }
    }

    /**
     * The instants Jackson writes ({@code 2026-11-21T09:30:00.123456Z}: UTC, 0–9 fraction
     * digits) read directly; anything else by the general parser.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n >= 20 && n <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(n - 1) == 'Z'
                && (n == 20 || text.charAt(19) == '.' && n > 21)) {
            int nanos = 0;
            boolean digits = true;
            for (int i = 20; i < n - 1; i++) {
                char c = text.charAt(i);
                digits &= c >= '0' && c <= '9';
                nanos = nanos * 10 + (c - '0');
            }
            for (int i = n - 1; i < 29; i++) {
                nanos *= 10;
            }
            int year = number(text, 0, 4);
            int month = number(text, 5, 7);
            int day = number(text, 8, 10);
            int hour = number(text, 11, 13);
            int minute = number(text, 14, 16);
            int second = number(text, 17, 19);
            if (digits && year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0) {
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second, n == 20 ? 0 : nanos)
                            .toInstant(ZoneOffset.UTC);
                } catch (java.time.DateTimeException e) {
                    // out of range: let the general parser say so
                }
            }
        }
        return Instant.parse(text);
    }

    /** The decimal number in text[from, to), or -1 if a character is not a digit. */
    private static int number(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
