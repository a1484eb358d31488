package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.IntegrityCheck;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** pg_amcheck through PgIntegrity on a real server: a whole one passes, a damaged index page fails it. */
class PgIntegrityIT {
    @Test
    void aDamagedIndexPageFailsTheCheckAndAWholeServerPassesIt() throws Exception {
        try (TestPostgres pg = TestPostgres.start()) {
            pg.runSql("CREATE DATABASE shop");
            try (var c = pg.connect("shop"); var s = c.createStatement()) {
                s.execute("CREATE TABLE orders(id INT PRIMARY KEY, note TEXT)");
                s.execute("INSERT INTO orders SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g");
            }
            ServerSpec spec = new ServerSpec("check", "check", pg.port(), pg.cluster().dataDir(), pg.cluster().runDir());
            Credentials admin = new Credentials(TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD);

            IntegrityCheck whole = PgIntegrity.run(spec, admin);
            assertThat(whole.passed()).as(whole.details()).isTrue();
            assertThat(whole.tool()).contains("pg_amcheck").contains("--heapallindexed").doesNotContain(
                    TestPostgres.ADMIN_PASSWORD);
            try (var c = pg.connect("shop"); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the check leaves no extension behind").isZero();
            }

            String file;
            try (var c = pg.connect("shop"); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT pg_relation_filepath('orders_pkey')")) {
                rs.next();
                file = rs.getString(1);
            }
            pg.cluster().stop();
            try (RandomAccessFile index = new RandomAccessFile(pg.cluster().dataDir().resolve(Path.of(file)).toFile(),
                    "rw")) {
                index.seek(8192L * 2 + 200); // a leaf page, not the metapage
                index.write(new byte[512]);
            }
            pg.cluster().start(Duration.ofMinutes(1));

            IntegrityCheck damaged = PgIntegrity.run(spec, admin);
            assertThat(damaged.passed()).isFalse();
            assertThat(damaged.details()).contains("orders_pkey");
        }
    }
}
