package dev.hindsight.storage;

import dev.hindsight.util.HindsightException;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides a server's redundancy and where it puts its copies: pure functions of the storage
 * configuration. An explicit redundancy must be allowed and possible, or it is an error; a
 * workload preset (or the default, prod) takes its redundancy if it can, and otherwise the
 * strongest one that is, with a note saying why.
 */
public final class PlacementPlanner {
    /** A choice of redundancy; {@code note} says why it is not what was asked for, or how it falls short. */
    public record Choice(Redundancy redundancy, String note) {
    }

    static final int ZONE_SITES = 3;
    static final int LOCAL_COPIES = 3;

    private PlacementPlanner() {
    }

    public static Choice choose(StorageConfig config, String redundancy, String workload) {
        if (redundancy != null) {
            Redundancy asked = Redundancy.parse(redundancy);
            if (workload != null) {
                Workload.parse(workload); // still reject a misspelt preset
            }
            whyNot(config, asked).ifPresent(reason -> {
                throw HindsightException.invalid("backup redundancy " + asked + " is not available: " + reason.why,
                        reason.fix);
            });
            return new Choice(asked, shortfall(config, asked).orElse(null));
        }
        Workload preset = workload == null ? Workload.DEFAULT : Workload.parse(workload);
        Redundancy wanted = preset.redundancy();
        Optional<Reason> blocked = whyNot(config, wanted);
        if (blocked.isEmpty()) {
            return new Choice(wanted, shortfall(config, wanted).orElse(null));
        }
        for (Redundancy fallback : List.of(Redundancy.LOCAL, Redundancy.ZONE)) {
            if (whyNot(config, fallback).isEmpty()) {
                String note = "workload " + preset.text() + " asks for " + wanted + " redundancy, but "
                        + blocked.get().why + "; backups are " + fallback + "-redundant (" + blocked.get().fix + ")";
                return new Choice(fallback, shortfall(config, fallback).map(more -> note + "; " + more).orElse(note));
            }
        }
        throw HindsightException.invalid("no backup redundancy is both allowed and possible: " + blocked.get().why,
                blocked.get().fix);
    }

    /** Checks a redundancy against the configuration as it is now, for a server created before. */
    public static Placement place(StorageConfig config, Redundancy redundancy) {
        whyNot(config, redundancy).ifPresent(reason -> {
            throw HindsightException.invalid("backup redundancy " + redundancy + " is not available: " + reason.why,
                    reason.fix);
        });
        List<SiteConfig> primary = config.sitesIn(config.region());
        List<String> sync = redundancy.zonal() ? primary.stream().map(SiteConfig::name).toList()
                : List.of(primary.get(0).name());
        String geo = redundancy.geo() ? config.sitesIn(config.pairedRegion()).get(0).name() : null;
        return new Placement(redundancy, sync, geo);
    }

    private record Reason(String why, String fix) {
    }

    /** Why a redundancy cannot be had under this configuration, if it cannot. */
    public static Optional<String> unavailable(StorageConfig config, Redundancy r) {
        return whyNot(config, r).map(Reason::why);
    }

    private static Optional<Reason> whyNot(StorageConfig config, Redundancy r) {
        if (!config.allowed().contains(r)) {
            return Optional.of(new Reason("this installation's policy allows only "
                    + config.allowed().stream().map(Redundancy::text).collect(Collectors.joining(", ")),
                    "choose an allowed redundancy, or change the policy with "
                            + "`hindsight storage policy set --allowed-redundancy …`"));
        }
        List<SiteConfig> primary = config.sitesIn(config.region());
        if (r.zonal() && primary.size() < ZONE_SITES) {
            return Optional.of(new Reason("zone redundancy needs at least " + ZONE_SITES + " sites in region "
                    + config.region() + ", which has " + primary.size() + " ("
                    + primary.stream().map(SiteConfig::name).collect(Collectors.joining(", ")) + ")",
                    "add sites with `hindsight storage site add NAME --type fs|s3|azure … --region "
                            + config.region() + "`"));
        }
        if (r.geo()) {
            if (config.pairedRegion() == null) {
                return Optional.of(new Reason("region " + config.region() + " is not paired with a second region",
                        "add a site in another region and pair it: `hindsight storage site add NAME … --region R2` "
                                + "then `hindsight storage region pair " + config.region() + " R2`"));
            }
            if (config.sitesIn(config.pairedRegion()).isEmpty()) {
                return Optional.of(new Reason("the paired region " + config.pairedRegion() + " has no site",
                        "add one with `hindsight storage site add NAME --type fs|s3|azure … --region "
                                + config.pairedRegion() + "`"));
            }
        }
        return Optional.empty();
    }

    /**
     * What a possible redundancy still lacks: a local filesystem site with fewer than three paths
     * (an S3 or Azure site's copies are the service's own).
     */
    public static Optional<String> shortfall(StorageConfig config, Redundancy r) {
        if (r.zonal()) {
            return Optional.empty();
        }
        SiteConfig site = config.sitesIn(config.region()).get(0);
        if (!SiteConfig.FS.equals(site.type()) || site.copies() >= LOCAL_COPIES) {
            return Optional.empty();
        }
        return Optional.of("site " + site.name() + " keeps " + site.copies() + (site.copies() == 1 ? " copy" : " copies")
                + ": give it " + LOCAL_COPIES + " paths on distinct disks for local redundancy's " + LOCAL_COPIES
                + " copies");
    }
}
