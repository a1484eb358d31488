package dev.hindsight.control;

import dev.hindsight.repo.CorruptObjectException;
import dev.hindsight.repo.Healer;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.PlacedStore;
import dev.hindsight.storage.SiteCopy;
import dev.hindsight.storage.Storage;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.RawCopy;
import dev.hindsight.store.Store;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks every object in every copy (each primary-region copy and the geo copy) by decoding it
 * whole, and repairs what it can: a damaged object, or one missing from a copy its server's
 * redundancy places it in, is copied again from a copy that decodes. Objects of a geo server the
 * geo copy lacks are counted as not yet copied (the copier's lag), not as damage.
 */
public final class RepositoryVerifier {
    private final Repository repository;
    private final PlacedStore placed;

    public RepositoryVerifier(Repository repository, PlacedStore placed) {
        this.repository = repository;
        this.placed = placed;
    }

    /** Objects decoded, by the data key that sealed them (each copy counted: the figures are per stored object). */
    private final Map<String, Integer> keysInUse = new java.util.concurrent.ConcurrentHashMap<>();

    private static final class Tally {
        int objects;
        long bytes;
        int damaged;
        int missing;
        int repaired;
        int notYetCopied;
        String error;
    }

    /** @param server a server's objects only, or null for the whole repository */
    public synchronized VerifyReport verify(ServerRecord server, Progress progress) throws IOException {
        keysInUse.clear(); // a verify that failed half way left its counts

        Storage storage = placed.storage();
        String prefix = server == null ? "" : Layout.serverPrefix(server.id());
        Catalog catalog = repository.catalog();
        Set<String> geoServers = new HashSet<>();
        catalog.servers().stream().filter(s -> s.backupRedundancy().geo()).forEach(s -> geoServers.add(s.id()));

        Map<SiteCopy, Tally> tallies = new LinkedHashMap<>();
        Map<SiteCopy, Set<String>> held = new LinkedHashMap<>();
        List<SiteCopy> copies = new ArrayList<>(storage.primaryCopies());
        Optional<SiteCopy> geo = storage.pairedCopy();
        geo.ifPresent(copies::add);
        for (SiteCopy copy : copies) {
            Tally tally = new Tally();
            tallies.put(copy, tally);
            Set<String> keys = new TreeSet<>();
            try {
                for (ObjectInfo o : copy.store().list(prefix)) {
                    keys.add(o.key());
                    tally.bytes += o.size();
                }
            } catch (IOException e) {
                tally.error = "cannot list: " + e.getMessage();
            }
            tally.objects = keys.size();
            held.put(copy, keys);
        }
        Set<String> everyKey = new TreeSet<>();
        storage.primaryCopies().forEach(c -> everyKey.addAll(held.get(c)));

        List<VerifyReport.Finding> findings = new ArrayList<>();
        int done = 0;
        for (String key : everyKey) {
            progress.update("verifying objects", done++, everyKey.size(), Progress.Unit.OBJECTS);
            verifyKey(key, storage, geo, geoServers, held, tallies, findings);
        }
        List<VerifyReport.CopySummary> summaries = new ArrayList<>();
        tallies.forEach((copy, t) -> summaries.add(new VerifyReport.CopySummary(copy.label(), copy.region(),
                geo.isPresent() && geo.get().equals(copy) ? "geo" : "primary", t.objects, t.bytes, t.damaged,
                t.missing, t.repaired, t.notYetCopied, t.error)));
        List<VerifyReport.KeyUse> keys = new ArrayList<>();
        List<String> ids = repository.dataKeyIds();
        for (String id : ids) {
            keys.add(new VerifyReport.KeyUse(id, id.equals(ids.get(ids.size() - 1)), keysInUse.getOrDefault(id, 0)));
        }
        keysInUse.clear();
        return new VerifyReport(server == null ? "repository" : "server " + server.name(), summaries, findings, keys);
    }

    private void verifyKey(String key, Storage storage, Optional<SiteCopy> geo, Set<String> geoServers,
                           Map<SiteCopy, Set<String>> held, Map<SiteCopy, Tally> tallies,
                           List<VerifyReport.Finding> findings) {
        List<Store> placedStores = placed.placedCopies(key);
        Store good = null;
        Map<SiteCopy, String> bad = new LinkedHashMap<>();
        for (SiteCopy copy : storage.primaryCopies()) {
            boolean isPlaced = placedStores.contains(copy.store());
            if (!held.get(copy).contains(key)) {
                if (isPlaced && tallies.get(copy).error == null) {
                    bad.put(copy, "missing");
                    tallies.get(copy).missing++;
                }
                continue;
            }
            Optional<String> problem = check(copy.store(), key);
            if (problem.isPresent()) {
                bad.put(copy, problem.get());
                tallies.get(copy).damaged++;
            } else if (good == null) {
                good = copy.store();
            }
        }
        Optional<String> server = Layout.serverOf(key);
        if (geo.isPresent() && server.isPresent() && geoServers.contains(server.get())) {
            SiteCopy g = geo.get();
            if (!held.get(g).contains(key)) {
                tallies.get(g).notYetCopied++;
            } else {
                Optional<String> problem = check(g.store(), key);
                if (problem.isPresent()) {
                    bad.put(g, problem.get());
                    tallies.get(g).damaged++;
                }
            }
        }
        Healer healer = repository.healer();
        for (Map.Entry<SiteCopy, String> entry : bad.entrySet()) {
            SiteCopy copy = entry.getKey();
            String action;
            if (good == null) {
                action = "not repaired: no copy of it decodes";
            } else if (isKeyring(key)) {
                action = repairKeyring(key, good, copy, tallies.get(copy));
            } else {
                Healer.Event event = healer.repairOne(key, good, copy.store(), entry.getValue());
                if (event.repaired()) {
                    tallies.get(copy).repaired++;
                    action = "repaired from " + good.describe();
                } else {
                    action = "repair failed: " + event.detail();
                }
            }
            findings.add(new VerifyReport.Finding(copy.label(), key, entry.getValue(), action));
        }
    }

    /** Empty if the copy's object decodes whole; what is wrong with it otherwise. */
    private Optional<String> check(Store copy, String key) {
        try {
            if (isKeyring(key)) {
                return sameAsFirst(copy, key); // the keyring is plain JSON, not encoded
            }
            String keyId = repository.verify(copy, key);
            keysInUse.merge(keyId, 1, Integer::sum);
            return Optional.empty();
        } catch (CorruptObjectException e) {
            return Optional.of("damaged: " + e.getMessage());
        } catch (IOException e) {
            return Optional.of("unreadable: " + e.getMessage());
        }
    }

    /** The keyring and the rotated key files: plain JSON, compared byte for byte, not decoded. */
    private static boolean isKeyring(String key) {
        return key.equals(Layout.KEYRING) || key.equals(Layout.keyringCopy()) || Layout.dataKeyId(key).isPresent();
    }

    private static String repairKeyring(String key, Store good, SiteCopy copy, Tally tally) {
        try {
            copy.store().delete(key);
            RawCopy.copy(good, key, copy.store());
            tally.repaired++;
            return "repaired from " + good.describe();
        } catch (IOException e) {
            return "repair failed: " + e.getMessage();
        }
    }

    private Optional<String> sameAsFirst(Store copy, String key) throws IOException {
        byte[] expected;
        try (InputStream in = placed.storage().primaryCopies().get(0).store().open(key)) {
            expected = in.readAllBytes();
        }
        try (InputStream in = copy.open(key)) {
            return Arrays.equals(expected, in.readAllBytes()) ? Optional.empty()
                    : Optional.of("damaged: differs from the first copy's keyring");
        }
    }
}
