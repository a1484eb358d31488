package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.storage.SiteConfig;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.SiteProbe;
import dev.hindsight.storage.StorageEdit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

@Command(name = "add", description = "Add a site. It is checked first (a probe object is written, read and deleted in "
        + "each copy); an unreachable site is not added. The bucket or container must exist.")
final class StorageSiteAddCommand extends StorageConfigCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "1-40 characters: a-z, 0-9, -")
    String name;
    @Option(names = "--type", required = true, description = "fs, s3 or azure")
    String type;
    @Option(names = "--region", defaultValue = StorageConfig.DEFAULT_REGION,
            description = "the region it is in (default: ${DEFAULT-VALUE})")
    String region;
    @Option(names = "--path", paramLabel = "DIR",
            description = "fs: a directory per copy (repeat; three on distinct disks for local redundancy)")
    List<Path> paths;
    @Option(names = "--bucket", description = "s3: the bucket")
    String bucket;
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "s3: the S3 API endpoint (default: AWS); azure: https://ACCOUNT.blob.core.windows.net")
    String endpoint;
    @Option(names = "--s3-region", description = "s3: the bucket's region (default: us-east-1)")
    String s3Region;
    @Option(names = "--path-style", description = "s3: path-style requests (most S3 API servers but AWS need it)")
    boolean pathStyle;
    @Option(names = "--access-key", description = "s3: access key (default: the usual AWS sources)")
    String accessKey;
    @Option(names = "--secret-key", description = "s3: secret key")
    String secretKey;
    @Option(names = "--container", description = "azure: the container")
    String container;
    @Option(names = "--account-name", description = "azure: the storage account, with --account-key")
    String accountName;
    @Option(names = "--account-key", description = "azure: the account's shared key")
    String accountKey;
    @Option(names = "--sas-token", description = "azure: a SAS token instead of the account key")
    String sasToken;
    @Option(names = "--connection-string", description = "azure: a connection string instead")
    String connectionString;
    @Option(names = "--prefix", description = "s3, azure: a folder inside the bucket or container, ending in '/'")
    String prefix;

    private SiteConfig site() {
        return new SiteConfig(name, type, region,
                paths == null ? null : paths.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList(),
                endpoint, bucket, prefix, s3Region, pathStyle ? Boolean.TRUE : null, accessKey, secretKey,
                container, accountName, accountKey, sasToken, connectionString);
    }

    @Override
    StorageEdit edit() {
        return StorageEdit.addSite(site());
    }

    @Override
    JsonNode viaApi(ApiClient client) {
        return client.post("/api/v1/storage/sites", site());
    }

    @Override
    String done(StorageConfig changed) {
        SiteConfig site = changed.site(name).orElseThrow();
        return "Added site " + name + " (" + type + ", region " + region + ", " + site.copies()
                + (site.copies() == 1 ? " copy" : " copies") + ").\n" + SiteProbe.immutability(site());
    }
}
