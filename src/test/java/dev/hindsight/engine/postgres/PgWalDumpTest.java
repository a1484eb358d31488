package dev.hindsight.engine.postgres;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PgWalDumpTest {
    @Test
    void readsCommitAndAbortTimesInWalOrderAndNothingElse() {
        String output = """
                rmgr: Transaction len (rec/tot):     34/    34, tx:      89310, lsn: 0/53FFD448, prev 0/53FFD400, desc: COMMIT 2026-11-21 07:03:16.796099 UTC
                rmgr: Transaction len (rec/tot):     66/    66, tx:      89311, lsn: 0/53FFF610, prev 0/53FFF5C8, desc: COMMIT 2026-11-21 07:03:16.7966 UTC; subxacts: 89312
                rmgr: Transaction len (rec/tot):     34/    34, tx:      89313, lsn: 0/53FFF6D0, prev 0/53FFF680, desc: ABORT 2026-11-21 07:03:17 UTC
                rmgr: Transaction len (rec/tot):     90/    90, tx:          0, lsn: 0/53FFF700, prev 0/53FFF6D0, desc: COMMIT_PREPARED 4711: 2026-11-21 07:03:18.000001 UTC
                rmgr: Transaction len (rec/tot):     50/    50, tx:          0, lsn: 0/53FFF760, prev 0/53FFF700, desc: ASSIGNMENT xtop 89314: subxacts: 89315
                pg_waldump: error: error in WAL record at 0/53FFF790: invalid record length at 0/53FFF7C8: wanted 24, got 0
                """;
        assertThat(PgWalDump.parse(output)).containsExactly(
                Instant.parse("2026-11-21T07:03:16.796099Z"),
                Instant.parse("2026-11-21T07:03:16.796600Z"),
                Instant.parse("2026-11-21T07:03:17Z"),
                Instant.parse("2026-11-21T07:03:18.000001Z"));
    }

    @Test
    void noTransactionsNoTimes() {
        assertThat(PgWalDump.parse("pg_waldump: error: could not find a valid record after 0/1000000\n")).isEmpty();
    }
}
