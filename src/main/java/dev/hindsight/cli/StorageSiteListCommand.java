package dev.hindsight.cli;

import dev.hindsight.control.Home;
import dev.hindsight.storage.Redundancy;
import dev.hindsight.storage.SiteConfig;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.StorageConfigFile;
import dev.hindsight.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "list", description = "The storage configuration: sites by region, the paired region, the policy "
        + "(secrets hidden).")
final class StorageSiteListCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Mixin
    OutputOption output;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Home h = home.resolve();
        StorageConfig config = StorageConfigCommand.viaDaemon(h, client -> client.get("/api/v1/storage"))
                .orElse(new StorageConfigFile(h.storageConfig(), h.repository()).load());
        PrintWriter out = spec.commandLine().getOut();
        List<SiteConfig> redacted = config.sites().stream().map(SiteConfig::redacted).toList();
        if (output.json()) {
            OutputOption.printJson(out, Json.MAPPER.valueToTree(new StorageConfig(config.region(),
                    config.pairedRegion(), config.allowedRedundancy(), redacted)));
            return ExitCodes.OK;
        }
        Table table = new Table("NAME", "TYPE", "REGION", "ROLE", "COPIES", "WHERE");
        for (SiteConfig s : redacted) {
            String role = s.region().equals(config.region()) ? "primary"
                    : s.region().equals(config.pairedRegion()) ? "paired (geo)" : "-";
            table.row(s.name(), s.type(), s.region(), role, String.valueOf(s.copies()), where(s));
        }
        table.print(out);
        out.println("Allowed backup redundancy: " + config.allowed().stream().map(Redundancy::text)
                .collect(Collectors.joining(", ")));
        out.flush();
        return ExitCodes.OK;
    }

    private static String where(SiteConfig s) {
        return switch (s.type()) {
            case SiteConfig.FS -> String.join(", ", s.paths());
            case SiteConfig.S3 -> "s3://" + s.bucket() + "/" + (s.prefix() == null ? "" : s.prefix())
                    + (s.endpoint() == null ? "" : " at " + s.endpoint());
            default -> (s.endpoint() == null ? "(connection string)" : s.endpoint()) + "/" + s.container() + "/"
                    + (s.prefix() == null ? "" : s.prefix());
        };
    }
}
