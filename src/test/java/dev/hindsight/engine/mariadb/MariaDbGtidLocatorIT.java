package dev.hindsight.engine.mariadb;

import dev.hindsight.testing.TestMariaDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MariaDbGtidLocator on a real server's binary log: every GTID position reached after a
 * transaction, a DDL, an XA transaction, a rolled-back one (no GTID), a second domain and a
 * rotation is placed where the server's own BINLOG_GTID_POS is that position; one the log never
 * had is refused.
 */
class MariaDbGtidLocatorIT {
    @Test
    void everyPositionReachedIsPlacedWhereTheServerIsAtExactlyThatPosition() throws Exception {
        try (TestMariaDb db = TestMariaDb.start(); Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
            BinlogPosition from = master(s);
            Map<String, String> steps = new LinkedHashMap<>();
            s.execute("CREATE DATABASE shop");
            steps.put("ddl", gtid(s));
            s.execute("CREATE TABLE shop.t(id INT PRIMARY KEY, v INT)");
            s.execute("INSERT INTO shop.t VALUES (1, 1), (2, 2)");
            steps.put("insert", gtid(s));
            s.execute("XA START 'x1'");
            s.execute("INSERT INTO shop.t VALUES (3, 3)");
            s.execute("XA END 'x1'");
            s.execute("XA PREPARE 'x1'");
            s.execute("XA COMMIT 'x1'");
            steps.put("xa", gtid(s));
            s.execute("BEGIN");
            s.execute("UPDATE shop.t SET v = 9");
            s.execute("ROLLBACK");
            s.execute("FLUSH BINARY LOGS");
            s.execute("UPDATE shop.t SET v = v + 1");
            steps.put("after rotation", gtid(s));
            s.execute("SET SESSION gtid_domain_id = 7");
            s.execute("INSERT INTO shop.t VALUES (4, 4)");
            steps.put("second domain", gtid(s));
            s.execute("SET SESSION gtid_domain_id = 0");
            s.execute("INSERT INTO shop.t VALUES (5, 5)");
            steps.put("both domains", gtid(s));

            for (Map.Entry<String, String> step : steps.entrySet()) {
                BinlogPosition at = MariaDbGtidLocator.onTheServer(c, from,
                        new ReplicaPoint(null, step.getValue(), null));
                assertThat(MariaDbGtidLocator.same(at.gtid(), step.getValue())).as(step.getKey() + " at " + at)
                        .isTrue();
            }
            assertThatThrownBy(() -> MariaDbGtidLocator.onTheServer(c, from,
                    new ReplicaPoint(null, "0-1-999999", null)))
                    .isInstanceOf(MariaDbGtidLocator.UnmappableException.class);
        }
    }

    private static BinlogPosition master(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return new BinlogPosition(rs.getString(1), rs.getLong(2));
        }
    }

    private static String gtid(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
