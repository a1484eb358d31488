package dev.hindsight.storage;

import java.util.List;

/**
 * One change to the storage configuration: it gives the whole next configuration, checked, or
 * throws, and then nothing is saved. The daemon and the CLI (when no daemon runs) apply the same ones.
 */
@FunctionalInterface
public interface StorageEdit {
    StorageConfig apply(StorageConfig current);

    /** Adds a site once a probe object could be written, found and deleted in each of its copies. */
    static StorageEdit addSite(SiteConfig site) {
        return current -> {
            StorageConfig next = current.withSite(site);
            SiteProbe.check(site);
            return next;
        };
    }

    static StorageEdit pairRegions(String primary, String paired) {
        return current -> current.withRegions(primary, paired);
    }

    /** Allows only these redundancies ("local", "zone", "geo", "geo-zone") at server create and update. */
    static StorageEdit allow(List<String> redundancies) {
        return current -> current.withAllowed(redundancies.stream().map(String::strip).filter(s -> !s.isEmpty())
                .map(Redundancy::parse).toList());
    }
}
