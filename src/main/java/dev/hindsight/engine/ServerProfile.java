package dev.hindsight.engine;

import dev.hindsight.repo.catalog.FirewallRule;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.repo.catalog.Tier;
import dev.hindsight.util.Ipv4Range;
import dev.hindsight.util.MachineMemory;

import java.util.List;

/**
 * What a server's configuration follows besides its port and directories: its tier (memory and
 * connections, sized from this machine) and its firewall rules (who may connect from where).
 *
 * @param machineBytes the memory of the machine the tier is a share of
 */
public record ServerProfile(Tier tier, List<FirewallRule> firewallRules, long machineBytes) {
    public ServerProfile {
        firewallRules = List.copyOf(firewallRules);
    }

    public static ServerProfile of(Tier tier, List<FirewallRule> rules) {
        return new ServerProfile(tier, rules, MachineMemory.totalBytes());
    }

    /** The profile a server's catalog record gives it on this machine. */
    public static ServerProfile of(ServerRecord record) {
        return of(record.tier(), record.firewallRules());
    }

    /** A new server's: general-purpose, no firewall rules. */
    public static ServerProfile defaults() {
        return of(Tier.DEFAULT, List.of());
    }

    public ServerProfile withoutFirewallRules() {
        return new ServerProfile(tier, List.of(), machineBytes);
    }

    public long memoryShare() {
        return tier.memoryShare(machineBytes);
    }

    /** True when a rule allows a client other than 127.0.0.1: the server must then listen on every address. */
    public boolean listensBeyondLoopback() {
        return firewallRules.stream().anyMatch(r -> r.range().reachesBeyondLoopbackHost());
    }

    /** Every allowed client block, rule by rule, in order. */
    public List<Ipv4Range.Block> allowedBlocks() {
        return firewallRules.stream().flatMap(r -> r.range().blocks().stream()).toList();
    }
}
