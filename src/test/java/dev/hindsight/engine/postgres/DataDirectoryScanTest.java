package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scan on a fake data directory: what pg_basebackup leaves out, we leave out. */
class DataDirectoryScanTest {
    @TempDir
    Path data;

    @Test
    void leavesOutWhatPgBasebackupLeavesOut() throws IOException {
        file("PG_VERSION", 3);
        file("postgresql.conf", 100);
        file("postmaster.pid", 10);
        file("postmaster.opts", 10);
        file("backup_label", 10);
        file("tablespace_map", 10);
        file("postgresql.auto.conf.tmp", 10);
        file("global/pg_control", 8192);
        file("global/pg_internal.init", 500);
        file("base/5/16384", 3 * 8192);
        file("base/5/16384_fsm", 8192);
        file("base/5/pg_internal.init", 500);
        file("base/pgsql_tmp/pgsql_tmp123.0", 1000);
        file("base/5/pgsql_tmp77", 1000);
        for (String dir : List.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
                "pg_snapshots", "pg_stat_tmp", "pg_subtrans")) {
            file(dir + "/something", 100);
        }
        file("pg_wal/archive_status/000000010000000000000001.done", 0);
        file("pg_replslot/slot1/state", 200);
        file("pg_xact/0000", 8192);
        file("pg_stat/pgstat.stat", 300);

        DataDirectoryScan.Result scan = DataDirectoryScan.scan(data);

        assertThat(scan.files()).extracting(DataDirectoryScan.Entry::path).containsExactlyInAnyOrder(
                "PG_VERSION", "postgresql.conf", "global/pg_control", "base/5/16384", "base/5/16384_fsm",
                "pg_xact/0000", "pg_stat/pgstat.stat");
        assertThat(scan.dirs()).extracting(DataDirectoryScan.Dir::path).containsExactly(
                "base", "base/5", "global", "pg_dynshmem", "pg_notify", "pg_replslot", "pg_serial", "pg_snapshots",
                "pg_stat", "pg_stat_tmp", "pg_subtrans", "pg_wal", "pg_wal/archive_status", "pg_xact");
        assertThat(scan.files()).extracting(DataDirectoryScan.Entry::path).as("the block map's order: pg_control last")
                .isSortedAccordingTo(DataDirectoryScan.ORDER).last().isEqualTo("global/pg_control");
        assertThat(scan.totalBytes()).isEqualTo(3 + 100 + 8192 + 3 * 8192 + 8192 + 8192 + 300);
    }

    @Test
    void keepsOnlyTheInitForkOfUnloggedRelations() throws IOException {
        file("base/5/16390", 8192);
        file("base/5/16390.1", 8192);
        file("base/5/16390_fsm", 8192);
        file("base/5/16390_vm", 8192);
        file("base/5/16390_init", 0);
        file("base/5/16391", 8192);
        file("base/6/16390", 8192); // same number in another database: a logged table there
        assertThat(DataDirectoryScan.scan(data).files()).extracting(DataDirectoryScan.Entry::path)
                .containsExactlyInAnyOrder("base/5/16390_init", "base/5/16391", "base/6/16390");
    }

    @Test
    void recordsModesAndSizes() throws IOException {
        Path f = file("base/1/1259", 16384);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(data.resolve("base"), PosixFilePermissions.fromString("rwxr-x---"));
        DataDirectoryScan.Result scan = DataDirectoryScan.scan(data);
        DataDirectoryScan.Entry e = scan.files().get(0);
        assertThat(e.mode()).isEqualTo(0640);
        assertThat(e.size()).isEqualTo(16384);
        assertThat(e.absolute()).isEqualTo(data.toRealPath().resolve("base/1/1259"));
        assertThat(scan.dirs()).contains(new DataDirectoryScan.Dir("base", 0750));
    }

    @Test
    void refusesTablespaces(@TempDir Path elsewhere) throws IOException {
        file("PG_VERSION", 3);
        Files.createDirectories(data.resolve("pg_tblspc"));
        Files.createSymbolicLink(data.resolve("pg_tblspc/16400"), elsewhere);
        assertThatThrownBy(() -> DataDirectoryScan.scan(data))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("tablespaces").hasMessageContaining("pg_tblspc/16400");
    }

    @Test
    void copiesALinkedFileAndKeepsALinkedWalDirectoryEmpty(@TempDir Path elsewhere) throws IOException {
        Path cert = Files.writeString(elsewhere.resolve("server.crt"), "CERT");
        Files.createDirectories(elsewhere.resolve("wal"));
        Files.writeString(elsewhere.resolve("wal/000000010000000000000001"), "WAL");
        Files.createSymbolicLink(data.resolve("server.crt"), cert);
        Files.createSymbolicLink(data.resolve("pg_wal"), elsewhere.resolve("wal"));
        DataDirectoryScan.Result scan = DataDirectoryScan.scan(data);
        assertThat(scan.files()).extracting(DataDirectoryScan.Entry::path).containsExactly("server.crt");
        assertThat(scan.files().get(0).size()).isEqualTo(4);
        assertThat(scan.dirs()).extracting(DataDirectoryScan.Dir::path).containsExactly("pg_wal", "pg_wal/archive_status");
    }

    @Test
    void modesConvertBothWays() {
        for (int mode : new int[]{0, 0600, 0640, 0700, 0750, 0755, 0777, 0421}) {
            assertThat(PgFileModes.toMode(PgFileModes.toPermissions(mode))).isEqualTo(mode);
        }
        assertThat(PgFileModes.toPermissions(0640)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }

    private Path file(String rel, int size) throws IOException {
        Path p = data.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[size]);
        return p;
    }
}
