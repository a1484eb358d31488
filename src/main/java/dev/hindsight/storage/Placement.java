package dev.hindsight.storage;

import java.util.List;

/**
 * Where a redundancy puts a server's objects under a storage configuration.
 *
 * @param syncSites the sites written synchronously: one site's every copy (local) or the first copy
 *                  of each site of the primary region (zone)
 * @param geoSite   the site in the paired region that receives the asynchronous copy, or null
 */
public record Placement(Redundancy redundancy, List<String> syncSites, String geoSite) {
    public Placement {
        syncSites = List.copyOf(syncSites);
    }
}
