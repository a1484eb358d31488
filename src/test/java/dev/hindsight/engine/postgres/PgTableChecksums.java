package dev.hindsight.engine.postgres;

import dev.hindsight.testing.TestPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** What "the same data" means in the restore tests: digests and counts of every pgbench table. */
final class PgTableChecksums {
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private static final Map<String, String> QUERIES = Map.of(
            "accounts", "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY aid)) FROM pgbench_accounts t",
            "branches", "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY bid)) FROM pgbench_branches t",
            "tellers", "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY tid)) FROM pgbench_tellers t",
            "history", "SELECT count(*) || ':' || coalesce(sum(delta), 0) || ':' || md5(coalesce(string_agg(t::text, ','"
                    + " ORDER BY mtime, tid, bid, aid, delta), '')) FROM pgbench_history t");

    private PgTableChecksums() {
    }

    static Map<String, String> of(Connector server) throws SQLException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            for (String table : QUERIES.keySet().stream().sorted().toList()) {
                try (ResultSet rs = st.executeQuery(QUERIES.get(table))) {
                    rs.next();
                    sums.put(table, rs.getString(1));
                }
            }
        }
        return sums;
    }

    /** The server's clock: commit timestamps in WAL come from it. */
    static Instant serverNow(Connector server) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /** Ends the current segment and waits until archive_command has copied it (not just started to). */
    static void switchWalAndAwaitArchived(TestPostgres pg) throws InterruptedException {
        String segment = pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            String last = pg.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
            if (last.compareTo(segment) >= 0) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("segment " + segment + " not archived after a minute; last archived: " + last
                        + "\n" + pg.cluster().logTail(20));
            }
            Thread.sleep(100);
        }
    }
}
