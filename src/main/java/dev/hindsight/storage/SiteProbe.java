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
