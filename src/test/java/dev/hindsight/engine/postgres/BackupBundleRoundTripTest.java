package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Copy into bundles and materialize again, without a server: small buffers and bundles so that
 * files spread over several extents, bundles and both writers.
 */
class BackupBundleRoundTripTest {
    private static final String SERVER = "srv-rt";
    private static final Lsn START = Lsn.parse("0/2000028");
    private static final long BEFORE_START = Lsn.parse("0/1000000").value();
    private static final OsUser ME = OsUser.forDatabase(System.getProperty("user.name"));

    @TempDir
    Path tmp;
    Path data;
    Path storeDir;
    Repository repo;
    long lastStoredLogical;

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        storeDir = tmp.resolve("store");
        repo = Repository.openOrCreate(new FileStore(storeDir), "pw".toCharArray());
        Random random = new Random(42);
        write("PG_VERSION", "15\n".getBytes());
        write("postgresql.conf", "port = 5432\n".getBytes());
        write("global/empty", new byte[0]);
        write("base/5/16384", pages(random, 300));   // ~2.3 MiB: many buffers, several bundles
        write("base/5/16385", pages(random, 7));
        write("postmaster.pid", "123\n".getBytes()); // left out by the scan
        Files.createDirectories(data.resolve("pg_wal"));
    }

    @Test
    void materializesWhatWasCopied() throws Exception {
        BackupManifest m = backup("b1");
        assertThat(m.files()).extracting(BackupManifest.ManifestFile::path)
                .containsExactly("PG_VERSION", "base/5/16384", "base/5/16385", "global/empty", "postgresql.conf");
        BackupManifest.ManifestFile big = m.files().get(1);
        assertThat(big.extents().stream().map(BackupManifest.Extent::bundle).distinct().count()).isGreaterThan(3);
        for (ObjectInfo o : repo.list(Layout.backupPrefix(SERVER, "b1"))) {
            if (o.key().contains("bundle-")) {
                assertThat(repo.readBytes(o.key()).length).as(o.key()).isLessThanOrEqualTo(256 << 10);
            }
        }

        Path target = tmp.resolve("restored");
        PgRestoreMaterializer.Result r = PgRestoreMaterializer.materialize(repo, SERVER, "b1", target, 2, Progress.NONE, ME);

        assertThat(r.files()).isEqualTo(5);
        for (BackupManifest.ManifestFile f : m.files()) {
            assertThat(Files.readAllBytes(target.resolve(f.path()))).as(f.path()).isEqualTo(Files.readAllBytes(data.resolve(f.path())));
            assertThat(Files.getLastModifiedTime(target.resolve(f.path())).toInstant()).isEqualTo(f.mtime());
        }
        assertThat(Files.readString(target.resolve("backup_label"))).isEqualTo(m.backupLabel());
        assertThat(target.resolve("postmaster.pid")).doesNotExist();
        assertThat(target.resolve("pg_wal/archive_status")).isDirectory();
        assertThat(PgFileModes.toMode(Files.getPosixFilePermissions(target))).isEqualTo(0700);
    }

    @Test
    void aDifferentialStoresOnlyChangedPagesAndRestoresTheSameBytes() throws Exception {
        byte[] during = Files.readAllBytes(data.resolve("base/5/16384"));
        setLsn(during, 5, START.value() + 0x10);                    // changed while the full was copying
        write("base/5/16384", during);
        backup("f1");
        Random random = new Random(7);
        byte[] big = Files.readAllBytes(data.resolve("base/5/16384"));
        byte[] changed = pages(random, 1);
        setLsn(changed, 0, START.value() + 0x100);                 // a WAL-logged change after the full began
        System.arraycopy(changed, 0, big, 10 * 8192, 8192);
        big[200 * 8192 + 100] ^= 0x40;                              // hint bits: same old LSN, other bytes
        setLsn(big, 250, START.value() + 0x200);                    // only the LSN moved
        byte[] grown = new byte[big.length + 5 * 8192];            // five pages past the full's end
        System.arraycopy(big, 0, grown, 0, big.length);
        System.arraycopy(pages(random, 5), 0, grown, big.length, 5 * 8192);
        write("base/5/16384", grown);
        byte[] small = Files.readAllBytes(data.resolve("base/5/16385"));
        write("base/5/16385", java.util.Arrays.copyOf(small, 3 * 8192)); // truncated: all three pages reused
        write("base/5/16390", pages(random, 12));                  // a table the full did not have, over buffers

        BackupManifest d = backup("d1", "f1", Long.MAX_VALUE);

        // the page the full saw mid-change is stored again: its LSN says WAL may still rewrite it
        long pagesStored = (1 + 3 + 5 + 12) * 8192L;
        long wholeFiles = "15\n".length() + "port = 5432\n".length();
        assertThat(lastStoredLogical).isEqualTo(pagesStored + wholeFiles);
        assertThat(d.isFull()).isFalse();
        assertThat(d.baseBackupId()).isEqualTo("f1");
        BackupManifest.ManifestFile bigFile = d.files().stream().filter(f -> f.path().equals("base/5/16384"))
                .findFirst().orElseThrow();
        assertThat(bigFile.extents()).anyMatch(e -> e.bundle().contains("/f1/")).anyMatch(e -> e.bundle().contains("/d1/"));
        assertThat(d.files().stream().filter(f -> f.path().equals("base/5/16385")).findFirst().orElseThrow().extents())
                .allMatch(e -> e.bundle().contains("/f1/"));
        assertThat(repo.list(Layout.backupPrefix(SERVER, "d1"))).noneMatch(o -> o.key().endsWith("blockmap"));

        Path target = tmp.resolve("restored-diff");
        PgRestoreMaterializer.materialize(repo, SERVER, "d1", target, 2, Progress.NONE, ME);
        for (BackupManifest.ManifestFile f : d.files()) {
            assertThat(Files.readAllBytes(target.resolve(f.path()))).as(f.path())
                    .isEqualTo(Files.readAllBytes(data.resolve(f.path())));
        }
    }

    @Test
    void aDifferentialPastItsLimitStopsAndIsNotPublished() throws Exception {
        backup("f2");
        write("base/5/16391", pages(new Random(3), 40));
        assertThatThrownBy(() -> backup("d2", "f2", 20 * 8192))
                .isInstanceOf(BackupFileReader.TooLarge.class).hasMessageContaining("of " + DataDirectoryScan.scan(data).totalBytes());
        assertThat(repo.list(Layout.manifest(SERVER, "d2"))).isEmpty();
    }

    @Test
    void aDifferentialIsTakenAgainstAFullOnly() throws Exception {
        backup("f3");
        backup("d3", "f3", Long.MAX_VALUE);
        assertThatThrownBy(() -> backup("d4", "d3", Long.MAX_VALUE)).isInstanceOf(HindsightException.class)
                .hasMessageContaining("backup d3 is a differential").hasMessageContaining("full backup");
    }

    @Test
    void aFlippedByteInABundleFailsTheRestoreAndLeavesNothingBehind() throws Exception {
        backup("b2");
        List<ObjectInfo> bundles = repo.list(Layout.backupPrefix(SERVER, "b2")).stream()
                .filter(o -> o.key().contains("bundle-")).toList();
        String damaged = bundles.get(bundles.size() - 1).key();
        Path bundle = storeDir.resolve(damaged);
        byte[] bytes = Files.readAllBytes(bundle);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(bundle, bytes);

        Path target = tmp.resolve("restored");
        assertThatThrownBy(() -> PgRestoreMaterializer.materialize(repo, SERVER, "b2", target, 2, Progress.NONE, ME))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("backup b2 of server " + SERVER)
                .hasMessageContaining(damaged)
                .satisfies(e -> assertThat(((HindsightException) e).kind()).isEqualTo(HindsightException.Kind.CORRUPT));
        try (var left = Files.list(target)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aChecksumMismatchNamesTheFileAndTheBackup() throws Exception {
        BackupManifest m = backup("b3");
        List<BackupManifest.ManifestFile> files = new ArrayList<>(m.files());
        BackupManifest.ManifestFile f = files.get(2);
        files.set(2, new BackupManifest.ManifestFile(f.path(), f.size(), f.mode(), f.mtime(), null, "00".repeat(32),
                f.extents()));
        repo.writeJson(Layout.manifest(SERVER, "b3x"), new BackupManifest(m.format(), "b3x", SERVER, m.engine(),
                m.kind(), null, m.timeline(), m.startLsn(), m.checkpointLsn(), m.stopLsn(), m.startedAt(), m.stoppedAt(),
                m.backupLabel(), m.tablespaceMap(), m.directories(), files));

        assertThatThrownBy(() -> PgRestoreMaterializer.materialize(repo, SERVER, "b3x", tmp.resolve("r"), 2, Progress.NONE, ME))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("restored file base/5/16385 of backup b3x").hasMessageContaining("block digest");
    }

    @Test
    void refusesANonEmptyTarget() throws Exception {
        backup("b4");
        Path target = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(target.resolve("keep-me"), "x");
        assertThatThrownBy(() -> PgRestoreMaterializer.materialize(repo, SERVER, "b4", target, 2, Progress.NONE, ME))
                .isInstanceOf(HindsightException.class).hasMessageContaining("is not empty").hasMessageContaining("keep-me");
        assertThat(target.resolve("keep-me")).hasContent("x");
    }

    @Test
    void aMissingBackupIsNotFound() {
        assertThatThrownBy(() -> PgRestoreMaterializer.materialize(repo, SERVER, "nope", tmp.resolve("r"), 2, Progress.NONE, ME))
                .isInstanceOf(HindsightException.class).hasMessageContaining("backup nope of server " + SERVER);
    }

    private BackupManifest backup(String id) throws Exception {
        return backup(id, null, Long.MAX_VALUE);
    }

    /** A full ({@code baseId} null) or a differential against {@code baseId}, as PgBaseBackup writes them. */
    private BackupManifest backup(String id, String baseId, long storeLimit) throws Exception {
        DataDirectoryScan.Result scan = DataDirectoryScan.scan(data);
        BackupCopier.Copied copied;
        if (baseId == null) {
            copied = BackupCopier.copy(scan, repo, SERVER, id, 2, Progress.NONE, null, 0, 64 << 10, 256 << 10);
        } else {
            try (DiffBase base = DiffBase.open(repo, SERVER, baseId)) {
                copied = BackupCopier.copy(scan, repo, SERVER, id, 2, Progress.NONE, base, storeLimit, 64 << 10, 256 << 10);
            }
        }
        BackupManifest m = new BackupManifest(BackupManifest.FORMAT, id, SERVER, BackupManifest.ENGINE,
                baseId == null ? BackupManifest.FULL : BackupManifest.DIFF, baseId, 1,
                START, Lsn.parse("0/2000060"), Lsn.parse("0/2000100"), Instant.now(), Instant.now(),
                "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n", "",
                scan.dirs().stream().map(d -> new BackupManifest.ManifestDir(d.path(), d.mode())).toList(), copied.files());
        repo.writeJson(Layout.manifest(SERVER, id), m);
        lastStoredLogical = copied.storedLogicalBytes();
        return m;
    }

    /** Table-like pages, last changed before {@link #START}: compressible but not trivial. */
    private static byte[] pages(Random random, int count) {
        byte[] b = new byte[count * 8192];
        for (int i = 0; i < b.length; i += 64) {
            b[i + 8 + random.nextInt(56)] = (byte) random.nextInt(256);
        }
        for (int page = 0; page < count; page++) {
            setLsn(b, page, BEFORE_START);
        }
        return b;
    }

    /** Writes pd_lsn the way PostgreSQL does: two 32-bit halves in the machine's byte order. */
    private static void setLsn(byte[] b, int page, long lsn) {
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder())
                .putInt(page * 8192, (int) (lsn >>> 32)).putInt(page * 8192 + 4, (int) lsn);
    }

    private void write(String rel, byte[] content) throws IOException {
        Path p = data.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }
}
