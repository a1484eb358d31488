package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.storage.Redundancy;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.StorageEdit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

@Command(name = "policy", description = "The installation's redundancy policy (data residency).",
        subcommands = StoragePolicySetCommand.Set.class)
final class StoragePolicySetCommand {
    @Command(name = "set", description = "Allow only these redundancies at server create and update, e.g. "
            + "local,zone to keep every copy in the primary region. Existing servers keep theirs.")
    static final class Set extends StorageConfigCommand {
        @Option(names = "--allowed-redundancy", required = true, paramLabel = "LIST",
                description = "comma-separated: local, zone, geo, geo-zone")
        String allowed;

        private List<String> list() {
            return Arrays.stream(allowed.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        @Override
        StorageEdit edit() {
            return StorageEdit.allow(list());
        }

        @Override
        JsonNode viaApi(ApiClient client) {
            return client.put("/api/v1/storage/policy", Map.of("allowedRedundancy", list()));
        }

        @Override
        String done(StorageConfig changed) {
            return "Allowed backup redundancy: " + changed.allowed().stream().map(Redundancy::text)
                    .collect(Collectors.joining(", ")) + ".";
        }
    }
}
