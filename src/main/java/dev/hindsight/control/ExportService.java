package dev.hindsight.control;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.Restorer;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Exports a backup, decrypted and self-contained, for the database's own tools: no Hindsight
 * is needed to restore it. It is written beside its target and moved there whole at the end, so
 * a failed or interrupted export never leaves a directory that looks complete; the directory is
 * private to the daemon's user, as the data in it is no longer encrypted.
 */
public final class ExportService {
    private static final Logger log = LoggerFactory.getLogger(ExportService.class);
    static final String DESCRIPTION = "export.json";

    private final RestoreService restores;
    private final Engines engines;
    private final Clock clock;

    public ExportService(RestoreService restores, Engines engines, Clock clock) {
        this.restores = restores;
        this.engines = engines;
        this.clock = clock;
    }

    /** Checks the request and plans it; throws before anything is written if it cannot be done. */
    public RestoreService.PlannedRestore check(String server, ExportRequestBody body) throws IOException {
        Path to = target(body.to());
        requireFree(to);
        int given = (body.backupId() != null ? 1 : 0) + (body.restoreTime() != null ? 1 : 0) + (body.latest() ? 1 : 0);
        if (given != 1) {
            throw HindsightException.invalid("give exactly one of a backup, a restore time or latest to export",
                    "use --backup ID (see backup list), --restore-time 2026-11-21T09:30:00Z or --latest");
        }
        RestoreRequest request = body.backupId() != null ? RestoreRequest.backup(body.backupId())
                : body.latest() ? RestoreRequest.latest() : RestoreRequest.at(body.restoreTime());
        RestoreService.PlannedRestore planned = restores.plan(server, body.deleted(), body.deletedAt(), request);
        List<String> formats = engines.get(planned.source().engine()).restorer().exportFormats();
        if (body.format() != null && !formats.contains(body.format())) {
            throw HindsightException.invalid(planned.source().engine() + " backups export as "
                            + String.join(" or ", formats) + ", not " + body.format(),
                    "give --format " + String.join(" or --format ", formats) + ", or leave it out for "
                            + formats.get(0));
        }
        return planned;
    }

    public ExportOutcome export(String server, ExportRequestBody body, Progress progress) throws IOException {
        RestoreService.PlannedRestore planned = check(server, body);
        Path to = target(body.to());
        Engine engine = engines.get(planned.source().engine());
        Path work = to.resolveSibling("." + to.getFileName() + ".partial-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(to.getParent());
        Files.createDirectory(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Restorer.Export export = engine.restorer().export(planned.repository(), planned.plan(), planned.source(),
                    new Restorer.ExportTarget(to, work, body.format()), progress);
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("server", planned.source().name());
            description.put("serverId", planned.source().id());
            description.put("engine", planned.source().engine());
            description.put("engineVersion", planned.source().engineVersion());
            description.put("backupId", planned.plan().backup().id());
            description.put("pointInTime", export.pointInTime().toString());
            description.put("format", export.format());
            description.put("exportedAt", clock.instant().toString());
            Files.write(work.resolve(DESCRIPTION), Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(description));
            requireFree(to); // nothing appeared there meanwhile
            Files.move(work, to, StandardCopyOption.ATOMIC_MOVE); // replaces an empty directory
            log.info("Exported server {} at {} (backup {}) to {} as {}: {} bytes", planned.source().name(),
                    export.pointInTime(), planned.plan().backup().id(), to, export.format(), export.bytes());
            return new ExportOutcome(planned.source().name(), planned.source().engine(),
                    planned.plan().backup().id(), export.pointInTime(), to.toString(), export.format(),
                    export.bytes(), export.howToRestore());
        } catch (IOException | RuntimeException e) {
            try {
                FileTrees.deleteRecursively(work);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static Path target(String to) {
        if (to == null || to.isBlank()) {
            throw HindsightException.invalid("the export needs a target directory",
                    "give --to DIR, a directory on the daemon's host that does not exist yet or is empty");
        }
        Path path = Path.of(to);
        if (!path.isAbsolute()) {
            throw HindsightException.invalid("the export target " + to + " is not an absolute path",
                    "give the full path of a directory on the daemon's host, e.g. /var/backups/export-1");
        }
        return path.normalize();
    }

    private static void requireFree(Path to) throws IOException {
        if (!Files.exists(to)) {
            return;
        }
        if (!Files.isDirectory(to)) {
            throw HindsightException.conflict("the export target " + to + " exists and is not a directory",
                    "give a directory that does not exist yet or is empty");
        }
        try (Stream<Path> entries = Files.list(to)) {
            if (entries.findAny().isPresent()) {
                throw HindsightException.conflict("the export target " + to + " is not empty",
                        "give a directory that does not exist yet or is empty; an export never overwrites files");
            }
        }
    }
}
