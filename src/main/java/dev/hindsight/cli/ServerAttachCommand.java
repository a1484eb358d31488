package dev.hindsight.cli;

import dev.hindsight.control.AttachRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "attach", description = "Back up an existing server on this host. A pre-flight check says what to "
        + "change if it is not ready; Hindsight changes nothing on it by itself.")
final class ServerAttachCommand extends DaemonCommand {
    @Option(names = "--name", required = true, description = "3-63 characters: a-z, 0-9, -")
    String name;
    @Option(names = "--engine", defaultValue = "postgres", description = "postgres (default) or mariadb")
    String engine;
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "the server's data directory")
    String dataDir;
    @Option(names = "--connection", required = true, paramLabel = "URI",
            description = "postgresql://USER:PASSWORD@127.0.0.1:PORT/postgres (USER needs REPLICATION and EXECUTE on "
                    + "pg_backup_start/stop), or mysql://USER:PASSWORD@127.0.0.1:PORT/ (USER needs RELOAD, PROCESS, "
                    + "LOCK TABLES, BINLOG MONITOR, REPLICATION SLAVE, SLAVE MONITOR)")
    String connection;
    @Option(names = "--backup-retention", paramLabel = "DAYS", description = "1-35 days (default: 7)")
    Integer retention;
    @Option(names = "--backup-redundancy", paramLabel = "R", description = "local, zone, geo or geo-zone "
            + "(default: from --workload)")
    String redundancy;
    @Option(names = "--standby-connection", paramLabel = "HOST:PORT", description = "a streaming standby (MariaDB: a "
            + "replica) of the server on this host to take full and differential backups from (reached with --connection's login)")
    String standbyConnection;
    @Option(names = "--standby-data-dir", paramLabel = "DIR", description = "the standby's (replica's) data directory")
    String standbyDataDir;
    @Option(names = "--workload", paramLabel = "W", description = "dev (local) or prod (geo; the default)")
    String workload;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        ServerShowCommand.print(out(), client().post("/api/v1/servers/attach",
                new AttachRequest(name, engine, dataDir, connection, retention, redundancy, workload,
                        standbyConnection, standbyDataDir)), output);
        return ExitCodes.OK;
    }
}
