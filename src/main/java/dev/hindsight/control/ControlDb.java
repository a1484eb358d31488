package dev.hindsight.control;

import dev.hindsight.plan.Usage;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded control database (SQLite): servers on this host and operations. It holds no
 * backup metadata — that lives in the repository — so it can be rebuilt from there.
 */
public final class ControlDb implements AutoCloseable {
    private final Connection connection;

    private static final List<String> USAGE_TYPES = List.of("full", "differential", "log", "ltr");

    public ControlDb(Path file) {
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS servers (
                          name TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, engine TEXT NOT NULL,
                          port INTEGER NOT NULL, dir TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
                          attached_data_dir TEXT)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS operations (
                          id TEXT PRIMARY KEY, kind TEXT NOT NULL, server TEXT, status TEXT NOT NULL,
                          phase TEXT, done INTEGER, total INTEGER, error TEXT, hint TEXT, result TEXT,
                          started_at TEXT NOT NULL, finished_at TEXT)""");
                addColumnIfMissing(s, "operations", "requested_by", "TEXT");
                addColumnIfMissing(s, "operations", "unit", "TEXT");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS tokens (
                          id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
                          created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT, last_used_at TEXT)""");
                addColumnIfMissing(s, "tokens", "issued_by", "TEXT");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS audit (
                          seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
                          action TEXT NOT NULL, target TEXT, status INTEGER NOT NULL, detail TEXT)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS redo_samples (
                          engine TEXT NOT NULL, at TEXT NOT NULL, bytes INTEGER NOT NULL, millis INTEGER NOT NULL)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS usage_samples (
                          server_id TEXT NOT NULL, at TEXT NOT NULL, stored INTEGER NOT NULL,
                          allowance INTEGER NOT NULL, PRIMARY KEY (server_id, at))""");
                // by type since the storage chart; older samples keep NULL there, never a made-up split
                for (String type : USAGE_TYPES) {
                    addColumnIfMissing(s, "usage_samples", type, "INTEGER");
                }
            }
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                    "cannot open the control database " + file + ": " + e.getMessage(),
                    "check that the home directory is writable and no other daemon uses it", e);
        }
    }

    public synchronized void insertServer(ManagedServer s) {
        update("INSERT INTO servers(name, id, engine, port, dir, state, created_at, attached_data_dir) "
                        + "VALUES (?,?,?,?,?,?,?,?)", s.name(), s.id(), s.engine(), s.port(), s.dir().toString(), s.state().text(),
                s.createdAt().toString(), s.attached() ? s.attachedDataDir().toString() : null);
    }

    public synchronized void setServerState(String name, ServerState state) {
        update("UPDATE servers SET state = ? WHERE name = ?", state.text(), name);
    }

    public synchronized void deleteServer(String name) {
        update("DELETE FROM servers WHERE name = ?", name);
    }

    public synchronized Optional<ManagedServer> server(String name) {
        List<ManagedServer> found = servers("SELECT * FROM servers WHERE name = ?", name);
        return found.stream().findFirst();
    }

    public synchronized List<ManagedServer> servers() {
        return servers("SELECT * FROM servers ORDER BY name");
    }

    public synchronized boolean portTaken(int port) {
        return !servers("SELECT * FROM servers WHERE port = ?", port).isEmpty();
    }

    public synchronized void insertUsageSample(String serverId, Usage.Sample sample) {
        Usage.ByType t = sample.byType();
        update("INSERT OR REPLACE INTO usage_samples(server_id, at, stored, allowance, full, differential, log, ltr) "
                        + "VALUES (?,?,?,?,?,?,?,?)", serverId, sample.at().toString(), sample.storedBytes(),
                sample.allowanceBytes(), t == null ? null : t.full(), t == null ? null : t.differential(),
                t == null ? null : t.log(), t == null ? null : t.ltr());
    }

    /** A server's usage samples, oldest first. */
    public synchronized List<Usage.Sample> usageSamples(String serverId) {
        try (PreparedStatement ps = prepare("SELECT at, stored, allowance, full, differential, log, ltr "
                + "FROM usage_samples WHERE server_id = ? ORDER BY at", serverId); ResultSet rs = ps.executeQuery()) {
            List<Usage.Sample> out = new ArrayList<>();
            while (rs.next()) {
                rs.getLong(4);
                Usage.ByType byType = rs.wasNull() ? null
                        : new Usage.ByType(rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7));
                out.add(new Usage.Sample(Instant.parse(rs.getString(1)), rs.getLong(2), rs.getLong(3), byType));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void insertRedoSample(dev.hindsight.engine.RedoSample sample, Instant at) {
        update("INSERT INTO redo_samples(engine, at, bytes, millis) VALUES (?,?,?,?)", sample.engine(), at.toString(),
                sample.bytes(), sample.millis());
    }

    /** The newest {@code limit} redo samples of {@code engine}. */
    public synchronized List<dev.hindsight.engine.RedoSample> redoSamples(String engine, int limit) {
        try (PreparedStatement ps = prepare("SELECT bytes, millis FROM redo_samples WHERE engine = ? ORDER BY at DESC"
                + " LIMIT " + limit, engine); ResultSet rs = ps.executeQuery()) {
            List<dev.hindsight.engine.RedoSample> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new dev.hindsight.engine.RedoSample(engine, rs.getLong(1), rs.getLong(2)));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void insertOperation(Operation op) {
        update("INSERT INTO operations(id, kind, server, status, phase, done, total, started_at, requested_by) "
                        + "VALUES (?,?,?,?,?,?,?,?,?)", op.id(), op.kind(), op.target(), op.status(), op.step(), op.done(),
                op.total(), op.startedAt().toString(), op.requestedBy());
    }

    public synchronized void progress(String id, String step, long done, long total, String unit) {
        update("UPDATE operations SET phase = ?, done = ?, total = ?, unit = ? WHERE id = ?", step, done, total, unit,
                id);
    }

    public synchronized void finishOperation(String id, String status, String error, String hint, String result) {
        update("UPDATE operations SET status = ?, error = ?, hint = ?, result = ?, finished_at = ? WHERE id = ?",
                status, error, hint, result, Instant.now().toString(), id);
    }

    /** Operations a previous daemon left running when it stopped: they will never finish. */
    public synchronized void failInterruptedOperations() {
        update("UPDATE operations SET status = ?, error = ?, finished_at = ? WHERE status = ?",
                Operation.FAILED, "interrupted: the daemon stopped while this was running",
                Instant.now().toString(), Operation.RUNNING);
    }

    public Optional<Operation> operation(String id) {
        return query("SELECT * FROM operations WHERE id = ?", ControlDb::operationOf, id).stream().findFirst();
    }

    /** How many finished operations there are of each kind and status ("kind status" to count). */
    public Map<String, Long> operationCounts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String[] row : query("SELECT kind, status, count(*) AS n FROM operations WHERE status <> ? GROUP BY kind, status",
                rs -> new String[]{rs.getString("kind"), rs.getString("status"), rs.getString("n")}, Operation.RUNNING)) {
            counts.put(row[0] + " " + row[1], Long.parseLong(row[2]));
        }
        return counts;
    }

    /** The newest operations first, at most {@code limit}. */
    public List<Operation> recentOperations(int limit) {
        return query("SELECT * FROM operations ORDER BY started_at DESC, rowid DESC LIMIT ?", ControlDb::operationOf,
                limit);
    }

    private static Operation operationOf(ResultSet rs) throws SQLException {
        String finished = rs.getString("finished_at");
        return new Operation(rs.getString("id"), rs.getString("kind"), rs.getString("server"),
                rs.getString("status"), rs.getString("phase"), rs.getLong("done"), rs.getLong("total"),
                Progress.Unit.of(rs.getString("unit")).text(), rs.getString("error"), rs.getString("hint"), rs.getString("result"),
                Instant.parse(rs.getString("started_at")), finished == null ? null : Instant.parse(finished),
                rs.getString("requested_by"));
    }

    private List<ManagedServer> servers(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            List<ManagedServer> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new ManagedServer(rs.getString("name"), rs.getString("id"), rs.getString("engine"),
                        rs.getInt("port"), Path.of(rs.getString("dir")), ServerState.of(rs.getString("state")),
                        Instant.parse(rs.getString("created_at")),
                        rs.getString("attached_data_dir") == null ? null : Path.of(rs.getString("attached_data_dir"))));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Homes made by an earlier version lack the columns added since. */
    private static void addColumnIfMissing(Statement s, String table, String column, String type) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (rs.getString("name").equals(column)) {
                    return;
                }
            }
        }
        s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
    }

    /** Reads one row of a query's result into a value. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    synchronized <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Inserts one row and returns its rowid. */
    synchronized long insert(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.executeUpdate();
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized int change(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    private static HindsightException failure(SQLException e) {
        return new HindsightException(HindsightException.Kind.FAILED,
                "control database error: " + e.getMessage(), null, e);
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
