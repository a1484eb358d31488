package dev.hindsight.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hindsight.util.HindsightException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where backups may be stored: the sites, grouped by region; the primary region (where servers'
 * synchronous copies go) and the region paired with it (the geo copy); and the policy of which
 * redundancies an installation allows (data residency: e.g. forbid geo).
 *
 * @param allowedRedundancy null or empty: every redundancy is allowed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageConfig(String region, String pairedRegion, List<Redundancy> allowedRedundancy,
                            List<SiteConfig> sites) {
    public static final String DEFAULT_REGION = "primary";
    public static final String DEFAULT_SITE = "home";

    public StorageConfig {
        allowedRedundancy = allowedRedundancy == null ? null : List.copyOf(allowedRedundancy);
        sites = sites == null ? List.of() : List.copyOf(sites);
    }

    /** The embedded default: one filesystem site in the home, alone in its region. */
    public static StorageConfig defaults(Path repository) {
        return new StorageConfig(DEFAULT_REGION, null, null,
                List.of(SiteConfig.filesystem(DEFAULT_SITE, DEFAULT_REGION, List.of(repository.toString()))));
    }

    /** The configuration with every site's secrets hidden, to show. */
    public StorageConfig redacted() {
        return new StorageConfig(region, pairedRegion, allowedRedundancy, sites.stream().map(SiteConfig::redacted)
                .toList());
    }

    public Optional<SiteConfig> site(String name) {
        return sites.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The sites of a region, in the order they were added. */
    public List<SiteConfig> sitesIn(String regionName) {
        return sites.stream().filter(s -> s.region().equals(regionName)).toList();
    }

    @JsonIgnore
    public Set<Redundancy> allowed() {
        return allowedRedundancy == null || allowedRedundancy.isEmpty() ? EnumSet.allOf(Redundancy.class)
                : EnumSet.copyOf(allowedRedundancy);
    }

    public StorageConfig withSite(SiteConfig site) {
        site.validated();
        if (site(site.name()).isPresent()) {
            throw HindsightException.conflict("a site named " + site.name() + " already exists",
                    "choose another name; `hindsight storage site list` shows the sites");
        }
        List<SiteConfig> next = new ArrayList<>(sites);
        next.add(site);
        return new StorageConfig(region, pairedRegion, allowedRedundancy, next).validated();
    }

    public StorageConfig withRegions(String primary, String paired) {
        return new StorageConfig(primary == null ? region : primary, paired, allowedRedundancy, sites).validated();
    }

    public StorageConfig withAllowed(List<Redundancy> allowed) {
        if (allowed.isEmpty()) {
            throw HindsightException.invalid("the policy must allow at least one redundancy",
                    "e.g. --allowed-redundancy local,zone");
        }
        return new StorageConfig(region, pairedRegion, List.copyOf(EnumSet.copyOf(allowed)), sites).validated();
    }

    /** Checks the whole configuration; a clear error saying what to fix if it does not hold together. */
    public StorageConfig validated() {
        SiteConfig.requireName(region, "region");
        sites.forEach(SiteConfig::validated);
        if (sites.stream().map(SiteConfig::name).distinct().count() != sites.size()) {
            throw HindsightException.invalid("two sites have the same name", "give every site its own name");
        }
        if (sitesIn(region).isEmpty()) {
            throw HindsightException.invalid("the primary region " + region + " has no site",
                    "add one with `hindsight storage site add NAME --type fs|s3|azure … --region " + region + "`");
        }
        if (pairedRegion != null) {
            SiteConfig.requireName(pairedRegion, "region");
            if (pairedRegion.equals(region)) {
                throw HindsightException.invalid("a region cannot be paired with itself",
                        "pair the primary region with another region for the geo copy");
            }
        }
        return this;
    }
}
