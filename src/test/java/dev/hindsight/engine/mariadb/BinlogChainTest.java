package dev.hindsight.engine.mariadb;

import dev.hindsight.plan.RetentionPlan;
import dev.hindsight.plan.RetentionPlanner;
import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BinlogChainTest {
    static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

    static BinlogPiece piece(String file, long start, long end, int second, boolean sealed) {
        return new BinlogPiece(file, start, end, T0.plusSeconds(second), sealed);
    }

    @Test
    void theLogAfterAPositionCountsTheRestOfItsFileAndEveryLaterOneHolesOrNot() {
        BinlogChain chain = new BinlogChain(List.of(
                piece("binlog.000001", 0, 900, 1, true), piece("binlog.000002", 0, 300, 3, true),
                piece("binlog.000004", 0, 180, 6, false)));
        assertThat(chain.bytesAfter(BinlogPosition.parse("binlog.000001:600"))).isEqualTo(300 + 300 + 180);
        assertThat(chain.bytesAfter(BinlogPosition.parse("binlog.000002:300"))).isEqualTo(180);
        assertThat(chain.bytesAfter(BinlogPosition.parse("binlog.000004:180"))).isZero();
    }

    @Test
    void runsThroughSealedFilesAndStopsAtTheOpenOne() {
        BinlogChain chain = new BinlogChain(List.of(
                piece("binlog.000001", 0, 500, 1, false), piece("binlog.000001", 500, 900, 2, true),
                piece("binlog.000002", 0, 300, 3, false), piece("binlog.000002", 300, 300, 4, true),
                piece("binlog.000003", 0, 100, 5, false), piece("binlog.000003", 100, 180, 6, false)));
        BinlogChain.Run run = chain.from(BinlogPosition.parse("binlog.000001:600"));
        assertThat(run.files()).extracting(BinlogChain.FileReach::file)
                .containsExactly("binlog.000001", "binlog.000002", "binlog.000003");
        assertThat(run.end()).contains(new BinlogPosition("binlog.000003", 180));
        assertThat(run.durableAt()).contains(T0.plusSeconds(6));
        assertThat(run.files().get(1).durableAt()).as("a seal learnt later does not move the file's durable time")
                .isEqualTo(T0.plusSeconds(3));
        assertThat(run.gap()).isEmpty();
        assertThat(run.reaches(BinlogPosition.parse("binlog.000003:180"))).isTrue();
        assertThat(run.reaches(BinlogPosition.parse("binlog.000003:181"))).isFalse();
    }

    @Test
    void aMissingFileOrAnUnsealedOneWithLaterLogsIsAGap() {
        BinlogChain missing = new BinlogChain(List.of(piece("binlog.000001", 0, 900, 1, true),
                piece("binlog.000003", 0, 100, 5, false)));
        assertThat(missing.from(BinlogPosition.parse("binlog.000001:4")).gap()).get().asString().contains("file number 2 is missing");
        BinlogChain hole = new BinlogChain(List.of(piece("binlog.000001", 0, 400, 1, false),
                piece("binlog.000001", 500, 900, 2, true), piece("binlog.000002", 0, 100, 3, false)));
        BinlogChain.Run run = hole.from(BinlogPosition.parse("binlog.000001:4"));
        assertThat(run.end()).contains(new BinlogPosition("binlog.000001", 400));
        assertThat(run.gap()).get().asString().contains("ends at byte 400 without its end");
    }

    @Test
    void namesAndPositionsReadBackAndRefuseNonsense() {
        BinlogPiece p = piece("binlog.000042", 4, 123456, 9, true);
        assertThat(BinlogPiece.parse(p.key("srv"))).contains(p);
        assertThat(BinlogPiece.parse("servers/srv/binlog/binlog.000042/x-y-z")).isEmpty();
        assertThat(BinlogPosition.parse("mysql-bin.000123:77")).isEqualTo(new BinlogPosition("mysql-bin.000123", 77));
        assertThat(BinlogPosition.nextFile("binlog.000009")).isEqualTo("binlog.000010");
        assertThat(BinlogPosition.nextFile("binlog.999999")).isEqualTo("binlog.1000000");
        assertThat(new BinlogPosition("binlog.000010", 4)).isGreaterThan(new BinlogPosition("binlog.000009", 99999));
        assertThatThrownBy(() -> BinlogPosition.parse("binlog:12")).hasMessageContaining("is not a binary log position");
    }

    @Test
    void retentionDeletesWholeFilesBeforeTheAnchorsFile() {
        Instant now = T0.plus(java.time.Duration.ofDays(10));
        BackupRecord old = full("b-old", "binlog.000001:400", T0);
        BackupRecord anchor = full("b-anchor", "binlog.000003:4000", T0.plus(java.time.Duration.ofDays(2)));
        List<BinlogPiece> logs = List.of(piece("binlog.000001", 0, 900, 1, true), piece("binlog.000002", 0, 900, 2, true),
                piece("binlog.000003", 0, 9000, 3, true), piece("binlog.000004", 0, 100, 4, false));
        RetentionPlan plan = RetentionPlanner.plan(List.of(old, anchor), new BinlogChain(logs),
                new RetentionPolicy(7), now);
        assertThat(plan.deleteBackups()).extracting(d -> d.item().id()).containsExactly("b-old");
        assertThat(plan.deleteWal()).extracting(d -> ((BinlogPiece) d.item()).file()).containsExactly("binlog.000001", "binlog.000002");
        assertThat(plan.deleteWal().get(0).item().key("srv")).startsWith("servers/srv/binlog/binlog.000001/");
    }

    static BackupRecord full(String id, String position, Instant consistentAt) {
        return BackupRecord.running(id, "srv", BackupKind.FULL, consistentAt.minusSeconds(5))
                .completed(consistentAt, consistentAt, position, position, 1, 10, 100, 10);
    }
}
