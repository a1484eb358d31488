package dev.hindsight.engine.postgres;

import dev.hindsight.engine.ServerProfile;
import dev.hindsight.util.Ipv4Range;

import java.util.ArrayList;
import java.util.List;

/**
 * A profile in PostgreSQL's terms. Memory follows the usual sizing of a dedicated server, applied
 * to the tier's share of the machine: shared_buffers a quarter of it, effective_cache_size three
 * quarters; work_mem so that every connection sorting at once stays within the share.
 */
final class PgProfileSettings {
    private static final long MIB = 1L << 20;

    private PgProfileSettings() {
    }

    /** postgresql.conf lines for the tier and the listen addresses. */
    static List<String> configLines(ServerProfile profile) {
        long share = profile.memoryShare();
        int connections = profile.tier().maxConnections();
        return List.of(
                "# tier " + profile.tier() + ": " + share / MIB + " MiB of this machine's " + profile.machineBytes() / MIB
                        + " MiB",
                "listen_addresses = '" + (profile.listensBeyondLoopback() ? "*" : "127.0.0.1") + "'",
                "max_connections = " + connections,
                "shared_buffers = " + mib(share / 4),
                "effective_cache_size = " + mib(share * 3 / 4),
                "maintenance_work_mem = " + mib(Math.max(64 * MIB, share / 16)),
                "work_mem = " + mib(Math.max(4 * MIB, share / 4 / connections)));
    }

    /** pg_hba.conf lines admitting each firewall rule's clients to every database, with SCRAM; none for replication. */
    static List<String> hbaLines(ServerProfile profile) {
        List<String> lines = new ArrayList<>();
        for (var rule : profile.firewallRules()) {
            lines.add("# firewall rule " + rule.name() + ": " + rule.startIp() + " to " + rule.endIp());
            for (Ipv4Range.Block block : rule.range().blocks()) {
                lines.add("host    all          all    %-18s scram-sha-256".formatted(block.cidr()));
            }
        }
        return lines;
    }

    private static String mib(long bytes) {
        return Math.max(1, bytes / MIB) + "MB";
    }
}
