package dev.hindsight.storage;

import dev.hindsight.store.ObjectWriter;
import dev.hindsight.store.Store;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Checks a site before it is added: a probe object is written, found and deleted in every copy. */
public final class SiteProbe {
    private SiteProbe() {
    }

    public static void check(SiteConfig site) {
        for (SiteCopy copy : StoreFactory.copies(site)) {
            probe(copy);
        }
    }

    /**
     * Whether every copy of the site can hold objects immutable, enforced by the storage: one line
     * for the user, naming the copies that cannot and why.
     */
    public static String immutability(SiteConfig site) {
        java.util.List<String> refusals = new java.util.ArrayList<>();
        for (SiteCopy copy : StoreFactory.copies(site)) {
            try {
                copy.store().immutabilityRefusal().ifPresent(r -> refusals.add(copy.label() + ": " + r));
            } catch (IOException | RuntimeException e) {
                refusals.add(copy.label() + ": cannot tell (" + e.getMessage() + ")");
            }
        }
        return refusals.isEmpty() ? "Immutable backups: possible, the storage enforces them in every copy."
                : "Immutable backups: not possible on this site (" + String.join("; ", refusals) + ").";
    }

    private static void probe(SiteCopy copy) {
        Store store = copy.store();
        String key = "probe/" + UUID.randomUUID();
        try {
            try (ObjectWriter out = store.create(key)) {
                out.write("hindsight probe".getBytes(StandardCharsets.UTF_8));
                out.commit();
            }
            store.stat(key).orElseThrow(() -> new IOException("a probe object written is not there"));
            store.delete(key);
        } catch (IOException | RuntimeException e) {
            throw HindsightException.invalid("site copy " + copy.label() + " (" + store.describe()
                            + ") cannot be used: " + e.getMessage(),
                    "check the endpoint, bucket/container, path and credentials; nothing was saved");
        }
    }
}
