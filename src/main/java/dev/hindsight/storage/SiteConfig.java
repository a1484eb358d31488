package dev.hindsight.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hindsight.util.HindsightException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One site: a named place backups are stored, in a region. Which fields apply depends on the type:
 * <ul>
 *   <li>{@code fs}: {@code paths}, one directory per copy (three on distinct disks for local redundancy);</li>
 *   <li>{@code s3}: {@code bucket}, {@code prefix}, {@code endpoint} (empty: AWS), {@code s3Region},
 *       {@code pathStyle}, {@code accessKey}/{@code secretKey} (empty: the usual AWS sources);</li>
 *   <li>{@code azure}: {@code endpoint} (the account's blob URL), {@code container}, {@code prefix}, and one of
 *       {@code accountName}+{@code accountKey}, {@code sasToken} or {@code connectionString}.</li>
 * </ul>
 * Secrets are stored as given, in a file only its owner can read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SiteConfig(String name, String type, String region, List<String> paths,
                         String endpoint, String bucket, String prefix, String s3Region, Boolean pathStyle,
                         String accessKey, String secretKey,
                         String container, String accountName, String accountKey, String sasToken,
                         String connectionString) {
    public static final String FS = "fs";
    public static final String S3 = "s3";
    public static final String AZURE = "azure";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    public SiteConfig {
        paths = paths == null ? null : List.copyOf(paths);
    }

    public static SiteConfig filesystem(String name, String region, List<String> paths) {
        return new SiteConfig(name, FS, region, paths, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    /** Checks that the site says everything its type needs; a clear error naming what is missing if not. */
    public SiteConfig validated() {
        requireName(name, "site");
        requireName(region, "region");
        switch (type == null ? "" : type) {
            case FS -> {
                if (paths == null || paths.isEmpty()) {
                    throw missing("--path DIR (one per copy; three on distinct disks for local redundancy)");
                }
                if (paths.stream().distinct().count() != paths.size()) {
                    throw HindsightException.invalid("site " + name + " names the same path twice",
                            "give each copy its own directory, ideally on its own disk");
                }
                paths.forEach(p -> {
                    if (!p.startsWith("/")) {
                        throw HindsightException.invalid("path '" + p + "' of site " + name + " is relative",
                                "give an absolute directory");
                    }
                });
            }
            case S3 -> {
                if (bucket == null || bucket.isBlank()) {
                    throw missing("--bucket NAME");
                }
                if ((accessKey == null) != (secretKey == null)) {
                    throw HindsightException.invalid("site " + name + " has only one of the access key and secret key",
                            "give both --access-key and --secret-key, or neither to use the usual AWS sources "
                                    + "(environment, ~/.aws, instance profile)");
                }
            }
            case AZURE -> {
                if (connectionString == null && endpoint == null) {
                    throw missing("--endpoint https://ACCOUNT.blob.core.windows.net (or --connection-string)");
                }
                if (container == null || container.isBlank()) {
                    throw missing("--container NAME");
                }
                int credentials = (accountKey != null ? 1 : 0) + (sasToken != null ? 1 : 0)
                        + (connectionString != null ? 1 : 0);
                if (credentials != 1 || (accountKey != null && accountName == null)) {
                    throw HindsightException.invalid("site " + name + " needs exactly one Azure credential",
                            "give --account-name and --account-key, or --sas-token, or --connection-string");
                }
            }
            default -> throw HindsightException.invalid("unknown site type '" + type + "'", "use fs, s3 or azure");
        }
        if (prefix != null && !prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
            throw HindsightException.invalid("prefix '" + prefix + "' of site " + name + " is not a folder",
                    "give a relative prefix ending in '/', e.g. hindsight/");
        }
        return this;
    }

    /** How many copies this site keeps for local redundancy: a filesystem site one per path; a service one. */
    @JsonIgnore
    public int copies() {
        return FS.equals(type) ? paths.size() : 1;
    }

    private HindsightException missing(String what) {
        return HindsightException.invalid("site " + name + " of type " + type + " needs " + what,
                "hindsight storage site add --help lists what each type takes");
    }

    static void requireName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw HindsightException.invalid("invalid " + what + " name '" + name + "'",
                    "use 1-40 lowercase letters, digits and '-', starting with a letter");
        }
    }

    /** The same site with its secrets replaced, for listing. */
    public SiteConfig redacted() {
        return new SiteConfig(name, type, region, paths, endpoint, bucket, prefix, s3Region, pathStyle,
                accessKey, secretKey == null ? null : "***", container, accountName,
                accountKey == null ? null : "***", sasToken == null ? null : "***",
                connectionString == null ? null : "***");
    }
}
