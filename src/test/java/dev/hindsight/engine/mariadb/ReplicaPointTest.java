package dev.hindsight.engine.mariadb;

import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaPointTest {
    private static final String HEAD = "[00] 2026-12-07 12:03:59 Streaming xtrabackup_slave_info\n"
            + "[00] 2026-12-07 12:03:59 MySQL binlog position: filename 'binlog.000001', position '535', GTID of the"
            + " last change '0-11-6'\n";

    @Test
    void aReplicaByPositionNamesThePrimarysFileAndPosition() {
        ReplicaPoint p = ReplicaPoint.fromLog(HEAD + "[00] 2026-12-07 12:03:59 MySQL slave binlog position: master ''"
                + " filename 'binlog.000007' position '1411'\n[00] completed OK!\n");
        assertThat(p.position()).isEqualTo(new BinlogPosition("binlog.000007", 1411));
        assertThat(p.gtid()).isNull();
    }

    @Test
    void aReplicaByGtidNamesItsSlavePosition() {
        ReplicaPoint p = ReplicaPoint.fromLog(HEAD + "[00] 2026-12-07 12:04:05 MySQL slave binlog position:"
                + " gtid_slave_pos '0-11-7'; master '' master_use_gtid = slave_pos\n");
        assertThat(p.position()).isNull();
        assertThat(p.gtid()).isEqualTo("0-11-7");
    }

    @Test
    void noPointOrSeveralSourcesAreRefused() {
        assertThatThrownBy(() -> ReplicaPoint.fromLog(HEAD))
                .isInstanceOf(HindsightException.class).hasMessageContaining("recorded no position");
        assertThatThrownBy(() -> ReplicaPoint.fromLog(HEAD + "MySQL slave binlog position: master 'a' filename"
                + " 'binlog.000001' position '4'\nMySQL slave binlog position: master 'b' filename 'binlog.000002'"
                + " position '4'\n")).isInstanceOf(HindsightException.class).hasMessageContaining("from 2 sources");
    }
}
