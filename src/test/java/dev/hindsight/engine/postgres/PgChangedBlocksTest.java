package dev.hindsight.engine.postgres;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pg_waldump lines as PostgreSQL 15 prints them (taken from a real server). */
class PgChangedBlocksTest {
    static Optional<PgChangedBlocks> parse(String... lines) throws Exception {
        return PgChangedBlocks.parse(new BufferedReader(new StringReader(String.join("\n", lines))));
    }

    @Test
    void blockReferencesMarkTheirBlockInTheRightSegmentFileAndFork() throws Exception {
        PgChangedBlocks c = parse(
                "rmgr: Heap        len (rec/tot):     54/  1958, tx:        724, lsn: 0/01752AA8, prev 0/01752A78, "
                        + "desc: INSERT off 10 flags 0x01, blkref #0: rel 1663/5/1247 blk 14 FPW",
                "rmgr: Heap2       len (rec/tot):     64/    64, tx:          0, lsn: 0/01752B00, prev 0/01752AA8, "
                        + "desc: VISIBLE cutoff xid 0 flags 0x01, blkref #0: rel 1663/5/16384 fork vm blk 0, "
                        + "blkref #1: rel 1663/5/16384 blk 131075",
                "rmgr: XLOG        len (rec/tot):     49/  8241, tx:        724, lsn: 0/0175CF70, prev 0/0175B3D0, "
                        + "desc: FPI_FOR_HINT , blkref #0: rel 1664/0/1260 fork fsm blk 2 FPW",
                "pg_waldump: error: error in WAL record at 0/1FF7398: invalid record length").orElseThrow();
        assertThat(c.records()).isEqualTo(3);
        assertThat(c.mayHaveChanged("base/5/1247", 14)).isTrue();
        assertThat(c.mayHaveChanged("base/5/1247", 13)).isFalse();
        assertThat(c.mayHaveChanged("base/5/16384_vm", 0)).isTrue();
        assertThat(c.mayHaveChanged("base/5/16384.1", 3)).as("block 131075 is the second segment's fourth").isTrue();
        assertThat(c.mayHaveChanged("base/5/16384", 3)).isFalse();
        assertThat(c.mayHaveChanged("global/1260_fsm", 2)).isTrue();
        assertThat(c.blocksNamed()).isEqualTo(4);
    }

    @Test
    void aRelationNamedAgainAddsToItsFilesAndTextThatIsNoBlockReferenceIsPassedOver() throws Exception {
        String prefix = "rmgr: Heap        len (rec/tot):     54/    54, tx:        738, lsn: 0/0301A1C8, prev 0/0301A190, ";
        PgChangedBlocks c = parse(
                prefix + "desc: LOCK off 12: xid 738, blkref #0: rel 1663/5/16398 blk 0",
                prefix + "desc: HOT_UPDATE, blkref #0: rel 1663/5/16398 fork main blk 262150",
                prefix + "desc: HOT_UPDATE, blkref #0: rel 1663/5/16398 blk 5, blkref #1: rel 1663/5/16398 blk 262151",
                prefix + "desc: odd blkref #: rel 1663/5/1 blk 1, blkref #2: rel 1663/5 blk 9, "
                        + "blkref #3: rel 1663/5/2 fork  blk 3, blkref #4: rel 1663/5/3 blk x").orElseThrow();
        assertThat(c.mayHaveChanged("base/5/16398", 0)).isTrue();
        assertThat(c.mayHaveChanged("base/5/16398", 5)).isTrue();
        assertThat(c.mayHaveChanged("base/5/16398.2", 6)).as("fork main is the relation itself").isTrue();
        assertThat(c.mayHaveChanged("base/5/16398.2", 7)).isTrue();
        assertThat(c.mayHaveChanged("base/5/16398.1", 6)).isFalse();
        assertThat(c.blocksNamed()).as("nothing from the malformed references").isEqualTo(4);
        assertThat(c.lastRecord()).contains(Lsn.parse("0/0301A1C8"));
    }

    @Test
    void truncationsCreationsAndNewDatabasesCountEverythingAfterThemAsChanged() throws Exception {
        PgChangedBlocks c = parse(
                "rmgr: Storage     len (rec/tot):     46/    46, tx:        727, lsn: 0/01BC5778, prev 0/01BC3728, "
                        + "desc: TRUNCATE base/5/16384 to 2 blocks flags 7",
                "rmgr: Storage     len (rec/tot):     42/    42, tx:        724, lsn: 0/01752A78, prev 0/01752A48, "
                        + "desc: CREATE base/5/16390",
                "rmgr: Database    len (rec/tot):     42/    42, tx:        728, lsn: 0/01BC5F20, prev 0/01BC5EA8, "
                        + "desc: CREATE_FILE_COPY copy dir 1663/1 to 1663/16389",
                "rmgr: Database    len (rec/tot):     34/    34, tx:        729, lsn: 0/01BC65A8, prev 0/01BC64E0, "
                        + "desc: CREATE_WAL_LOG create dir 1663/16391").orElseThrow();
        assertThat(c.mayHaveChanged("base/5/16384", 1)).isFalse();
        assertThat(c.mayHaveChanged("base/5/16384", 2)).isTrue();
        assertThat(c.mayHaveChanged("base/5/16384.3", 0)).as("a later segment of a truncated relation").isTrue();
        assertThat(c.mayHaveChanged("base/5/16384_vm", 0)).isTrue();
        assertThat(c.mayHaveChanged("base/5/16384_fsm", 0)).isTrue();
        assertThat(c.mayHaveChanged("base/5/16390", 0)).isTrue();
        assertThat(c.mayHaveChanged("base/16389/1259", 7)).isTrue();
        assertThat(c.mayHaveChanged("base/16391/2619_vm", 0)).isTrue();
        assertThat(c.mayHaveChanged("base/1/1259", 7)).as("the template it was copied from").isFalse();
    }

    @Test
    void aTablespaceMakesTheSummaryUnusable() throws Exception {
        assertThat(parse("rmgr: Heap        len (rec/tot):     54/  1958, tx:        724, lsn: 0/01752AA8, "
                + "prev 0/01752A78, desc: INSERT off 10 flags 0x01, blkref #0: rel 16400/5/1247 blk 14")).isEmpty();
        assertThat(parse("rmgr: Tablespace  len (rec/tot):     40/    40, tx:        730, lsn: 0/01C00000, "
                + "prev 0/01BFFF00, desc: CREATE 16400 \"/srv/ts\"")).isEmpty();
        assertThat(parse("rmgr: Database    len (rec/tot):     42/    42, tx:        728, lsn: 0/01BC5F20, "
                + "prev 0/01BC5EA8, desc: CREATE_FILE_COPY copy dir 1663/1 to 16400/16389")).isEmpty();
    }

    @Test
    void pgWaldumpStoppingAtTheEndIsNotAFailureButAnErrorBeforeItIs() {
        Lsn end = Lsn.parse("0/8000028");
        assertThat(PgWalSummary.stoppedAtTheEnd("pg_waldump: error: error in WAL record at 0/7265280: record with "
                + "incorrect prev-link 51CD200/0 at 0/8000028", end)).isTrue();
        assertThat(PgWalSummary.stoppedAtTheEnd("pg_waldump: error: error in WAL record at 0/1F36DF18: invalid "
                + "resource manager ID 97 at 0/20000028", end)).isTrue();
        assertThat(PgWalSummary.stoppedAtTheEnd("pg_waldump: error: error in WAL record at 0/35A9BE8: invalid "
                + "record length at 0/8000028: wanted 24, got 0", end)).isTrue();
        assertThat(PgWalSummary.stoppedAtTheEnd("pg_waldump: error: error in WAL record at 0/6000100: invalid "
                + "record length at 0/6000200: wanted 24, got 0", end)).isFalse();
        assertThat(PgWalSummary.stoppedAtTheEnd("pg_waldump: error: could not find file \"000000010000000000000007\"",
                end)).isFalse();
    }

    @Test
    void nothingIsLeftToDecodeWhenTheSummariesEndAtTheSegmentWhoseFirstRecordIsTheStart() {
        assertThat(PgWalSummary.recordsMayStartBetween(Lsn.parse("0/31000000"), Lsn.parse("0/31000028"))).isFalse();
        assertThat(PgWalSummary.recordsMayStartBetween(Lsn.parse("0/31000000"), Lsn.parse("0/310000A0"))).isTrue();
        assertThat(PgWalSummary.recordsMayStartBetween(Lsn.parse("0/30FFFF00"), Lsn.parse("0/31000028"))).isTrue();
        assertThat(PgWalSummary.recordsMayStartBetween(Lsn.parse("0/31000100"), Lsn.parse("0/31000100"))).isFalse();
    }

    @Test
    void aFilesChangesAreLookedUpOnceAndJumpToTheNextChangedBlock() throws Exception {
        PgChangedBlocks c = parse(
                "rmgr: Heap        len (rec/tot):     54/  1958, tx:        724, lsn: 0/01752AA8, prev 0/01752A78, "
                        + "desc: INSERT off 10 flags 0x01, blkref #0: rel 1663/5/16384 blk 7",
                "rmgr: Heap        len (rec/tot):     54/  1958, tx:        724, lsn: 0/01752AA8, prev 0/01752A78, "
                        + "desc: INSERT off 10 flags 0x01, blkref #0: rel 1663/5/16384 blk 40",
                "rmgr: Storage     len (rec/tot):     46/    46, tx:        727, lsn: 0/01BC5778, prev 0/01BC3728, "
                        + "desc: TRUNCATE base/5/16384 to 131075 blocks flags 7").orElseThrow();
        PgChangedBlocks.FileChanges first = c.forFile("base/5/16384");
        assertThat(first.nextChanged(0)).isEqualTo(7);
        assertThat(first.nextChanged(8)).isEqualTo(40);
        assertThat(first.nextChanged(41)).as("past the segment: nothing more in this file").isEqualTo(131_075);
        PgChangedBlocks.FileChanges second = c.forFile("base/5/16384.1");
        assertThat(second.changedFrom()).isEqualTo(3);
        assertThat(second.mayHaveChanged(2)).isFalse();
        assertThat(second.nextChanged(0)).isEqualTo(3);
        assertThat(c.forFile("base/5/16384.2").changedFrom()).isZero();
        assertThat(c.forFile("base/5/99999").nextChanged(5)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theLastRecordReadAndWhetherItSwitchesSegmentsAreKnownEvenPastATablespace() throws Exception {
        PgChangedBlocks c = PgChangedBlocks.read(new BufferedReader(new StringReader(String.join("\n",
                "rmgr: Tablespace  len (rec/tot):     40/    40, tx:        730, lsn: 0/01C00000, "
                        + "prev 0/01BFFF00, desc: CREATE 16400 \"/srv/ts\"",
                "rmgr: Heap2       len (rec/tot):     59/    59, tx:        728, lsn: 0/01FFF8F0, prev 0/01FFDF60, "
                        + "desc: VISIBLE cutoff xid 0 flags 0x03, blkref #0: rel 1663/5/16396 fork vm blk 0"))));
        assertThat(c.placeable()).isFalse();
        assertThat(c.lastRecord()).contains(Lsn.parse("0/01FFF8F0"));
        assertThat(c.lastRecordSwitches()).isFalse();

        PgChangedBlocks switched = parse(
                "rmgr: Heap        len (rec/tot):     59/    59, tx:        735, lsn: 0/03C844B8, prev 0/03C84470, "
                        + "desc: INSERT+INIT off 1 flags 0x00, blkref #0: rel 1663/5/16406 blk 0",
                "rmgr: XLOG        len (rec/tot):     24/    24, tx:        735, lsn: 0/03C844F8, prev 0/03C844B8, "
                        + "desc: SWITCH ").orElseThrow();
        assertThat(switched.lastRecord()).contains(Lsn.parse("0/03C844F8"));
        assertThat(switched.lastRecordSwitches()).isTrue();
        assertThat(PgChangedBlocks.none().lastRecord()).isEmpty();
    }

    @Test
    void summariesMergeIntoTheUnionAndSurviveTheirBytes() throws Exception {
        PgChangedBlocks a = parse(
                "rmgr: Heap        len (rec/tot):     54/  1958, tx:        724, lsn: 0/01752AA8, prev 0/01752A78, "
                        + "desc: INSERT off 10 flags 0x01, blkref #0: rel 1663/5/16384 blk 7",
                "rmgr: Storage     len (rec/tot):     46/    46, tx:        727, lsn: 0/01BC5778, prev 0/01BC3728, "
                        + "desc: TRUNCATE base/5/16384 to 300 blocks flags 7").orElseThrow();
        PgChangedBlocks b = parse(
                "rmgr: Heap        len (rec/tot):     54/  1958, tx:        724, lsn: 0/02752AA8, prev 0/02752A78, "
                        + "desc: INSERT off 10 flags 0x01, blkref #0: rel 1663/5/16384 blk 131080",
                "rmgr: Storage     len (rec/tot):     46/    46, tx:        727, lsn: 0/02BC5778, prev 0/02BC3728, "
                        + "desc: TRUNCATE base/5/16384 to 200 blocks flags 7",
                "rmgr: Database    len (rec/tot):     34/    34, tx:        729, lsn: 0/02BC65A8, prev 0/02BC64E0, "
                        + "desc: CREATE_WAL_LOG create dir 1663/16391").orElseThrow();
        PgChangedBlocks merged = PgChangedBlocks.fromBytes(a.toBytes());
        merged.merge(PgChangedBlocks.fromBytes(b.toBytes()));

        assertThat(merged.records()).isEqualTo(5);
        assertThat(merged.mayHaveChanged("base/5/16384", 7)).isTrue();
        assertThat(merged.mayHaveChanged("base/5/16384.1", 8)).isTrue();
        assertThat(merged.forFile("base/5/16384").changedFrom()).as("the deeper truncation wins").isEqualTo(200);
        assertThat(merged.mayHaveChanged("base/16391/1259", 0)).isTrue();
        assertThat(merged.mayHaveChanged("base/5/16384", 6)).isFalse();
        assertThat(merged.placeable()).isTrue();
        assertThat(PgChangedBlocks.fromBytes(merged.toBytes()).sameChangesAs(merged)).isTrue();
        assertThat(merged.sameChangesAs(a)).isFalse();

        PgChangedBlocks elsewhere = PgChangedBlocks.read(new BufferedReader(new StringReader(
                "rmgr: Heap        len (rec/tot):     54/  1958, tx:        724, lsn: 0/01752AA8, "
                        + "prev 0/01752A78, desc: INSERT off 10 flags 0x01, blkref #0: rel 16400/5/1247 blk 14")));
        merged.merge(PgChangedBlocks.fromBytes(elsewhere.toBytes()));
        assertThat(merged.placeable()).as("one unplaceable stretch spoils the merge").isFalse();
    }

    @Test
    void aSummaryInAnUnknownFormatIsRefused() {
        byte[] bytes = PgChangedBlocks.none().toBytes();
        bytes[3] = 9;
        assertThatThrownBy(() -> PgChangedBlocks.fromBytes(bytes)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("format 9 is not known");
    }
}
