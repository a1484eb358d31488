package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.IntegrityCheck;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.testing.TestMariaDb;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** mariadb-check through MariaDbIntegrity on a real server: a whole one passes, a cut-short table fails it. */
class MariaDbIntegrityIT {
    @Test
    void aDamagedTableFailsTheCheckAndAWholeServerPassesIt() throws Exception {
        try (TestMariaDb db = TestMariaDb.start()) {
            try (Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE shop");
                s.execute("USE shop");
                s.execute("CREATE TABLE shop.orders(id INT PRIMARY KEY, note VARCHAR(100))");
                s.execute("CREATE TABLE shop.archive(id INT PRIMARY KEY, note VARCHAR(100)) ENGINE=MyISAM");
                s.execute("INSERT INTO shop.orders SELECT seq, REPEAT('x', 50) FROM seq_1_to_5000");
                s.execute("INSERT INTO shop.archive SELECT seq, REPEAT('y', 50) FROM seq_1_to_5000");
            }
            MariaDbCluster cluster = db.cluster();
            ServerSpec spec = new ServerSpec("check", "check", cluster.port(), cluster.dataDir(), cluster.runDir());
            Credentials admin = new Credentials(TestMariaDb.ADMIN, TestMariaDb.ADMIN_PASSWORD);

            IntegrityCheck whole = MariaDbIntegrity.run(spec, admin);
            assertThat(whole.passed()).as(whole.details()).isTrue();
            assertThat(whole.details()).contains("tables checked, all OK");
            assertThat(whole.tool()).contains("--extended").doesNotContain(TestMariaDb.ADMIN_PASSWORD);

            try (Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
                s.execute("FLUSH TABLES shop.archive");
            }
            try (RandomAccessFile data = new RandomAccessFile(cluster.dataDir().resolve("shop/archive.MYD").toFile(),
                    "rw")) {
                data.setLength(data.length() / 2);
            }
            IntegrityCheck damaged = MariaDbIntegrity.run(spec, admin);
            assertThat(damaged.passed()).isFalse();
            assertThat(damaged.details()).contains("shop.archive");
        }
    }
}
