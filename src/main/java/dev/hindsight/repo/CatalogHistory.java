package dev.hindsight.repo;

import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.store.ObjectExistsException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The numbered, write-once versions of a repository's catalog, each written twice. Reading takes
 * the newest version that decodes, from its primary or its copy; writing never reuses a number,
 * since objects are never overwritten, so a crashed or concurrent writer shows up as a number
 * that is already taken and the change is applied again on top of what is there.
 */
final class CatalogHistory {
    static final int VERSIONS_KEPT = 20;
    private static final int WRITE_ATTEMPTS = 5;
    private static final Logger log = LoggerFactory.getLogger(CatalogHistory.class);

    private final Repository repository;

    CatalogHistory(Repository repository) {
        this.repository = repository;
    }

    /** The newest readable version, and the highest version number in use (readable or not). */
    record Newest(Catalog catalog, long highestSequence) {
    }

    Newest newest() throws IOException {
        Set<String> present = new HashSet<>();
        TreeSet<Long> sequences = new TreeSet<>();
        for (ObjectInfo object : repository.list(Layout.CATALOG_PREFIX)) {
            Layout.catalogSequence(object.key()).ifPresent(sequence -> {
                present.add(object.key());
                sequences.add(sequence);
            });
        }
        List<String> failures = new ArrayList<>();
        for (long sequence : sequences.descendingSet()) {
            for (String key : List.of(Layout.catalog(sequence), Layout.catalogCopy(sequence))) {
                if (!present.contains(key)) {
                    failures.add(key + " is missing");
                    continue;
                }
                Optional<Catalog> catalog = tryRead(key, sequence, failures);
                if (catalog.isPresent()) {
                    if (!failures.isEmpty()) {
                        log.warn("using catalog {} of {}; unreadable: {}", key,
                                repository.store().describe(), String.join("; ", failures));
                    }
                    return new Newest(catalog.get(), sequences.last());
                }
            }
        }
        if (sequences.isEmpty()) {
            return new Newest(Catalog.empty(), 0);
        }
        throw new HindsightException(HindsightException.Kind.CORRUPT,
                "no readable catalog in " + repository.store().describe() + ": " + String.join("; ", failures),
                "restore the catalog/ objects from another copy of this repository (zone or geo); "
                        + "do not write to this one until then");
    }

    Catalog update(UnaryOperator<Catalog> change, Instant now) throws IOException {
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
            Newest base = newest();
            Catalog changed = change.apply(base.catalog());
            // numbered after the highest version present, readable or not: numbers are never reused
            Catalog next = new Catalog(changed.format(), base.highestSequence(), changed.writtenAt(),
                    changed.servers(), changed.backups()).nextVersion(now);
            try {
                repository.writeJson(Layout.catalog(next.sequence()), next);
            } catch (ObjectExistsException e) {
                log.info("catalog version {} was written by another process meanwhile; applying the change again",
                        next.sequence());
                continue;
            }
            try {
                repository.writeJson(Layout.catalogCopy(next.sequence()), next);
            } catch (ObjectExistsException e) {
                log.warn("the copy of catalog version {} already existed at {}; kept it", next.sequence(),
                        repository.store().describe());
            }
            prune(next.sequence());
            return next;
        }
        throw HindsightException.conflict("the catalog at " + repository.store().describe() + " changed "
                        + WRITE_ATTEMPTS + " times while this change was being written",
                "another Hindsight process is writing to this repository; let only one node manage it, or retry");
    }

    private Optional<Catalog> tryRead(String key, long sequence, List<String> failures) {
        try {
            Catalog catalog = repository.readJson(key, Catalog.class);
            if (catalog.format() > Catalog.FORMAT) {
                throw new HindsightException(HindsightException.Kind.FAILED, "catalog " + key + " in "
                        + repository.store().describe() + " has format " + catalog.format()
                        + ", newer than this Hindsight reads (" + Catalog.FORMAT + ")", "upgrade Hindsight");
            }
            if (catalog.sequence() != sequence) {
                failures.add(key + " says it is version " + catalog.sequence());
                return Optional.empty();
            }
            return Optional.of(catalog);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            failures.add(message.contains(key) ? message : key + ": " + message);
            return Optional.empty();
        }
    }

    /** Old versions are history nobody reads; a few are kept in case the newest ones are damaged. */
    private void prune(long newest) {
        try {
            for (long sequence : sequences()) {
                if (sequence > newest - VERSIONS_KEPT) {
                    break;
                }
                repository.delete(Layout.catalog(sequence));
                repository.delete(Layout.catalogCopy(sequence));
            }
        } catch (IOException e) {
            log.warn("could not remove old catalog versions from {} (they will be removed next time): {}",
                    repository.store().describe(), e.toString());
        }
    }

    private Set<Long> sequences() throws IOException {
        Set<Long> sequences = new TreeSet<>();
        for (ObjectInfo object : repository.list(Layout.CATALOG_PREFIX)) {
            Layout.catalogSequence(object.key()).ifPresent(sequences::add);
        }
        return sequences;
    }
}
