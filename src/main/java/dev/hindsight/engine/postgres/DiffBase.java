package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.util.HindsightException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The full backup a differential is taken against: its start LSN, its files' extents, and its
 * block map, walked in path order as the differential reads the data directory.
 */
final class DiffBase implements Closeable {
    /**
     * A page file of the full: where its bytes are, the CRC32C of each of its blocks, and (when
     * the WAL since the full could be read) which of its blocks may have changed; null changes:
     * every page must be read and compared.
     */
    record File(BackupManifest.ManifestFile file, int[] checksums, PgChangedBlocks.FileChanges changes) {
        List<BackupManifest.Extent> slice(long from, long length) {
            return PgExtents.slice(file.extents(), from, length, file.path());
        }
    }

    private final BackupManifest manifest;
    private final Map<String, BackupManifest.ManifestFile> files = new HashMap<>();
    private final InputStream stream;
    private final BlockMap.Cursor map;
    private PgChangedBlocks changes;

    private DiffBase(BackupManifest manifest, InputStream stream) {
        this.manifest = manifest;
        manifest.files().forEach(f -> files.put(f.path(), f));
        this.stream = stream;
        this.map = new BlockMap.Cursor(stream);
    }

    /** Opens full backup {@code baseId}; NOT_FOUND if it is not a full with a block map. */
    static DiffBase open(Repository repo, String serverId, String baseId) throws IOException {
        BackupManifest manifest = PgRestoreMaterializer.readManifest(repo, serverId, baseId);
        if (!manifest.isFull()) {
            throw HindsightException.invalid("backup " + baseId + " is a differential; a differential is taken"
                    + " against a full backup", "base it on the server's newest completed full backup");
        }
        try {
            return new DiffBase(manifest, repo.read(Layout.blockMap(serverId, baseId)));
        } catch (NoSuchObjectException e) {
            throw HindsightException.notFound("full backup " + baseId + " of server " + serverId
                    + " has no block map, so no differential can be taken against it",
                    "take a full backup (`hindsight backup create --type full`); differentials follow it");
        }
    }

    String backupId() {
        return manifest.backupId();
    }

    int timeline() {
        return manifest.timeline();
    }

    /**
     * What the WAL since the full says changed; empty leaves every page to be read. It guides
     * the main forks only: visibility-map bits are cleared as a side effect of heap records that
     * do not name the map's page, and free-space-map changes are not all WAL-logged, so those
     * small forks (one page per 32,000 or 4,000 heap pages) are always read and compared.
     */
    void useChanges(Optional<PgChangedBlocks> walChanges) {
        this.changes = walChanges.orElse(null);
    }

    boolean walGuided() {
        return changes != null;
    }

    /** Pages whose LSN is below this were last changed before the full started copying. */
    Lsn startLsn() {
        return manifest.startLsn();
    }

    /**
     * The full's copy of {@code path} if the differential may reuse its pages, else null (not a
     * page file, or the full did not have it). Call in increasing path order.
     */
    File pageFile(String path) throws IOException {
        if (!PageFiles.isPageFile(path)) {
            return null;
        }
        BackupManifest.ManifestFile f = files.get(path);
        int[] checksums = map.find(path);
        boolean mainFork = !path.contains("_");
        return f == null || checksums == null ? null
                : new File(f, checksums, mainFork && changes != null ? changes.forFile(path) : null);
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
