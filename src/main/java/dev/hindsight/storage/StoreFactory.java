package dev.hindsight.storage;

import com.azure.core.http.HttpClient;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.hindsight.store.AzureBlobStore;
import dev.hindsight.store.FileStore;
import dev.hindsight.store.RetryingStore;
import dev.hindsight.store.S3Store;
import dev.hindsight.store.Store;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a site's copies from its configuration, each behind a {@link RetryingStore}. Every
 * request to a cloud service has a time limit, so a store that stops answering fails a request
 * (and log capture tries again later) instead of hanging it.
 */
public final class StoreFactory {
    /** A service that does not answer a request (an 8 MiB part, a listing page) within this is taken as down. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Pinned so the same code talks to Azure and to Azurite alike. */
    static final BlobServiceVersion AZURE_VERSION = BlobServiceVersion.V2025_11_05;

    private StoreFactory() {
    }

    public static List<SiteCopy> copies(SiteConfig site) {
        List<Store> stores = new ArrayList<>();
        switch (site.type()) {
            case SiteConfig.FS -> site.paths().forEach(p -> stores.add(new FileStore(Path.of(p))));
            case SiteConfig.S3 -> stores.add(s3(site));
            case SiteConfig.AZURE -> stores.add(azure(site));
            default -> throw new IllegalArgumentException("unknown site type " + site.type());
        }
        List<SiteCopy> copies = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            copies.add(new SiteCopy(site.name(), site.region(), i + 1, stores.size(),
                    RetryingStore.standard(stores.get(i))));
        }
        return copies;
    }

    private static String prefix(SiteConfig site) {
        return site.prefix() == null ? "" : site.prefix();
    }

    private static Store s3(SiteConfig site) {
        AwsCredentialsProvider credentials = site.accessKey() == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(site.accessKey(), site.secretKey()));
        var builder = S3Client.builder()
                .region(Region.of(site.s3Region() == null ? "us-east-1" : site.s3Region()))
                .forcePathStyle(Boolean.TRUE.equals(site.pathStyle()))
                .credentialsProvider(credentials)
                .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(REQUEST_TIMEOUT))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(REQUEST_TIMEOUT).apiCallTimeout(REQUEST_TIMEOUT.multipliedBy(3)));
        if (site.endpoint() != null) {
            builder.endpointOverride(URI.create(site.endpoint()));
        }
        return new S3Store(builder.build(), site.bucket(), prefix(site));
    }

    private static Store azure(SiteConfig site) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .serviceVersion(AZURE_VERSION)
                .httpClient(HttpClient.createDefault(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT)
                        .setResponseTimeout(REQUEST_TIMEOUT).setReadTimeout(REQUEST_TIMEOUT)))
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3,
                        (int) REQUEST_TIMEOUT.toSeconds(), 250L, 4000L, null));
        if (site.connectionString() != null) {
            builder.connectionString(site.connectionString());
        } else {
            builder.endpoint(site.endpoint());
            if (site.sasToken() != null) {
                builder.sasToken(site.sasToken());
            } else {
                builder.credential(new StorageSharedKeyCredential(site.accountName(), site.accountKey()));
            }
        }
        BlobContainerClient container = builder.buildClient().getBlobContainerClient(site.container());
        return new AzureBlobStore(container, prefix(site));
    }
}
