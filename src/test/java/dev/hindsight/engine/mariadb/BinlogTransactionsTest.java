package dev.hindsight.engine.mariadb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BinlogTransactionsTest {
    @TempDir
    Path dir;

    Path write(BinlogEvents events) throws Exception {
        return Files.write(dir.resolve(events.name()), events.bytes());
    }

    @Test
    void stopsAtTheLastTransactionOfTheTargetSecondAndNotBeforeTheStart() throws Exception {
        BinlogEvents b = new BinlogEvents("binlog.000001");
        b.transaction(100, 1);
        long start = b.position();
        b.transaction(100, 2);
        b.transaction(101, 3);
        long endOf4 = -1;
        b.transaction(101, 4);
        endOf4 = b.position();
        b.transaction(102, 5);
        Path f = write(b);

        var stop = BinlogTransactions.stopFor(List.of(f), start, Optional.of(Instant.ofEpochSecond(101, 900_000_000)))
                .orElseThrow();
        assertThat(stop.gtid()).as("the whole target second is included").isEqualTo("0-7-4");
        assertThat(stop.end()).isEqualTo(endOf4);
        assertThat(BinlogTransactions.stopFor(List.of(f), start, Optional.of(Instant.ofEpochSecond(99))))
                .as("nothing committed in (start, target]").isEmpty();
        assertThat(BinlogTransactions.stopFor(List.of(f), start, Optional.empty()).orElseThrow().gtid())
                .isEqualTo("0-7-5");
    }

    @Test
    void aLaterTransactionStampedEarlierIsNotReplayedPastOneStampedAfterTheTarget() throws Exception {
        BinlogEvents b = new BinlogEvents("binlog.000001");
        long start = b.position();
        b.transaction(100, 1);
        b.transaction(105, 2);
        b.transaction(103, 3); // started before, committed after 2: the log is replayed as a prefix
        var stop = BinlogTransactions.stopFor(List.of(write(b)), start, Optional.of(Instant.ofEpochSecond(104)));
        assertThat(stop.orElseThrow().gtid()).isEqualTo("0-7-1");
    }

    @Test
    void ddlCommitQueriesAndAnUnfinishedTailAreReadAsTransactions() throws Exception {
        BinlogEvents b = new BinlogEvents("binlog.000001");
        long start = b.position();
        b.gtid(200, 1, true);
        b.query(200, "CREATE TABLE t (id INT PRIMARY KEY)");
        long afterDdl = b.position();
        b.gtid(201, 2, false);
        b.query(201, "BEGIN");
        b.query(201, "INSERT INTO myisam_t VALUES (1)");
        b.query(201, "ROLLBACK TO `sp1`"); // inside the transaction: it ends nothing
        b.query(201, "COMMIT");
        long afterCommit = b.position();
        b.gtid(202, 3, false);
        b.rows(202, 30); // the capture stopped here: no XID yet
        Path f = write(b);
        var all = BinlogTransactions.stopFor(List.of(f), start, Optional.empty()).orElseThrow();
        assertThat(all.gtid()).isEqualTo("0-7-2");
        assertThat(all.end()).isEqualTo(afterCommit);
        var ddl = BinlogTransactions.stopFor(List.of(f), start, Optional.of(Instant.ofEpochSecond(200))).orElseThrow();
        assertThat(ddl.end()).isEqualTo(afterDdl);
    }

    @Test
    void aGroupWhoseEndIsNotReadableEndsWhereTheNextBegins() throws Exception {
        BinlogEvents b = new BinlogEvents("binlog.000001");
        long start = b.position();
        b.gtid(400, 1, true);
        b.event(165, 400, new byte[40]); // a compressed query: its text cannot be read here
        long afterCompressed = b.position();
        b.transaction(402, 2);
        Path f = write(b);
        var first = BinlogTransactions.stopFor(List.of(f), start, Optional.of(Instant.ofEpochSecond(401))).orElseThrow();
        assertThat(first.gtid()).isEqualTo("0-7-1");
        assertThat(first.end()).isEqualTo(afterCompressed);
        assertThat(BinlogTransactions.stopFor(List.of(f), start, Optional.empty()).orElseThrow().gtid()).isEqualTo("0-7-2");
    }

    @Test
    void spansFilesAndNamesTheFileOfTheStop() throws Exception {
        BinlogEvents one = new BinlogEvents("binlog.000001");
        long start = one.position();
        one.transaction(300, 1);
        one.rotate(301, "binlog.000002");
        BinlogEvents two = new BinlogEvents("binlog.000002");
        two.transaction(302, 2);
        two.transaction(303, 3);
        var stop = BinlogTransactions.stopFor(List.of(write(one), write(two)), start,
                Optional.of(Instant.ofEpochSecond(302))).orElseThrow();
        assertThat(stop.fileIndex()).isEqualTo(1);
        assertThat(stop.file()).isEqualTo("binlog.000002");
        assertThat(stop.gtid()).isEqualTo("0-7-2");
        assertThat(stop.committedAt()).isEqualTo(Instant.ofEpochSecond(302));
    }
}
