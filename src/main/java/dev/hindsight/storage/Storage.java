package dev.hindsight.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A storage configuration with its sites' copies built: what the repository's stores are right now. */
public final class Storage {
    private final StorageConfig config;
    private final Map<String, List<SiteCopy>> copies = new LinkedHashMap<>();

    public Storage(StorageConfig config) {
        this.config = config.validated();
        for (SiteConfig site : config.sites()) {
            copies.put(site.name(), StoreFactory.copies(site));
        }
    }

    public StorageConfig config() {
        return config;
    }

    public List<SiteCopy> copiesOf(String site) {
        List<SiteCopy> found = copies.get(site);
        if (found == null) {
            throw new IllegalArgumentException("no site " + site);
        }
        return found;
    }

    /** Every copy of every site of the primary region: where a server's objects may be, whatever its placement. */
    public List<SiteCopy> primaryCopies() {
        List<SiteCopy> all = new ArrayList<>();
        config.sitesIn(config.region()).forEach(s -> all.addAll(copiesOf(s.name())));
        return all;
    }

    /** The copies a placement writes synchronously: a local site's every copy, or each zone site's first. */
    public List<SiteCopy> syncCopies(Placement placement) {
        if (!placement.redundancy().zonal()) {
            return copiesOf(placement.syncSites().get(0));
        }
        return placement.syncSites().stream().map(s -> copiesOf(s).get(0)).toList();
    }

    /** The copy in the paired region a placement's geo copier fills, if it has one. */
    public Optional<SiteCopy> geoCopy(Placement placement) {
        return placement.geoSite() == null ? Optional.empty() : Optional.of(copiesOf(placement.geoSite()).get(0));
    }

    /** The first copy of the paired region's first site: where geo-restore reads; empty if there is none. */
    public Optional<SiteCopy> pairedCopy() {
        if (config.pairedRegion() == null || config.sitesIn(config.pairedRegion()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(copiesOf(config.sitesIn(config.pairedRegion()).get(0).name()).get(0));
    }

    public Placement placement(Redundancy redundancy) {
        return PlacementPlanner.place(config, redundancy);
    }
}
