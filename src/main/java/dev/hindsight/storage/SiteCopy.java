package dev.hindsight.storage;

import dev.hindsight.store.Store;

/**
 * One copy of the repository: a filesystem site has one per path, a cloud site one.
 *
 * @param index 1-based within its site
 */
public record SiteCopy(String site, String region, int index, int ofCopies, Store store) {
    /** "home" for a site's only copy, "home#2" for its second. */
    public String label() {
        return ofCopies == 1 ? site : site + "#" + index;
    }

    @Override
    public String toString() {
        return label() + " (" + store.describe() + ")";
    }
}
