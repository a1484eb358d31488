package dev.hindsight.control;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Who asked the API for which change, when, and how it ended: kept in the control database. */
public final class AuditLog {
    private final ControlDb db;
    private final ActivityFeed feed;
    private final Clock clock;

    public AuditLog(ControlDb db, ActivityFeed feed, Clock clock) {
        this.db = db;
        this.feed = feed;
        this.clock = clock;
    }

    public void record(String actor, String action, String target, int status, String detail) {
        Instant at = clock.instant();
        long seq = db.insert("INSERT INTO audit(at, actor, action, target, status, detail) VALUES (?,?,?,?,?,?)",
                at.toString(), actor, action, target, status, detail);
        feed.publish(ActivityFeed.Kind.AUDIT, new AuditEntry(seq, at, actor, action, target, status, detail));
    }

    /** The newest entries first, at most {@code limit}. */
    public List<AuditEntry> recent(int limit) {
        return db.query("SELECT * FROM audit ORDER BY seq DESC LIMIT ?", rs -> new AuditEntry(rs.getLong("seq"),
                Instant.parse(rs.getString("at")), rs.getString("actor"), rs.getString("action"),
                rs.getString("target"), rs.getInt("status"), rs.getString("detail")), limit);
    }
}
