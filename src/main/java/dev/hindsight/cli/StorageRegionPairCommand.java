package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.StorageEdit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "region", description = "Pair the primary region with a second region for geo copies.",
        subcommands = StorageRegionPairCommand.Pair.class)
final class StorageRegionPairCommand {
    @Command(name = "pair", description = "Make PRIMARY the region servers' synchronous copies go to, and PAIRED the "
            + "region of the asynchronous geo copy (its first site).")
    static final class Pair extends StorageConfigCommand {
        @Parameters(index = "0", paramLabel = "PRIMARY")
        String primary;
        @Parameters(index = "1", paramLabel = "PAIRED")
        String paired;

        @Override
        StorageEdit edit() {
            return StorageEdit.pairRegions(primary, paired);
        }

        @Override
        JsonNode viaApi(ApiClient client) {
            return client.put("/api/v1/storage/regions", Map.of("primary", primary, "paired", paired));
        }

        @Override
        String done(StorageConfig changed) {
            return "Region " + changed.region() + " is paired with " + changed.pairedRegion() + ".";
        }
    }
}
