package dev.hindsight.control;

import dev.hindsight.plan.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UsageSamplesTest {
    @TempDir
    Path home;

    @Test
    void samplesKeepTheirSplitByTypeAndOlderOnesHaveNone() throws Exception {
        Path file = home.resolve("control.db");
        // a control database from before the split: its samples have no type columns
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE usage_samples (server_id TEXT NOT NULL, at TEXT NOT NULL, stored INTEGER NOT NULL,"
                    + " allowance INTEGER NOT NULL, PRIMARY KEY (server_id, at))");
            s.execute("INSERT INTO usage_samples VALUES ('s1', '2026-12-01T10:00:00Z', 500, 1000)");
        }
        try (ControlDb db = new ControlDb(file)) {
            db.insertUsageSample("s1", new Usage.Sample(Instant.parse("2026-12-01T11:00:00Z"), 1500, 1000,
                    new Usage.ByType(900, 300, 200, 100)));
            db.insertUsageSample("s2", new Usage.Sample(Instant.parse("2026-12-01T11:00:00Z"), 7, 1000,
                    new Usage.ByType(7, 0, 0, 0)));

            List<UsagePoint> points = db.usageSamples("s1").stream().map(UsagePoint::of).toList();
            assertThat(points).extracting(UsagePoint::at).containsExactly(Instant.parse("2026-12-01T10:00:00Z"),
                    Instant.parse("2026-12-01T11:00:00Z"));
            assertThat(points.get(0).byType()).as("never a made-up split").isNull();
            assertThat(points.get(0).billableBytes()).isZero();
            assertThat(points.get(1).byType()).isEqualTo(new Usage.ByType(900, 300, 200, 100));
            assertThat(points.get(1).billableBytes()).isEqualTo(500);
        }
    }
}
