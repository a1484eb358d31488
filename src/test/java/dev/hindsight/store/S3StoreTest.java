package dev.hindsight.store;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on S3, against a real S3 API server in this JVM (S3Proxy, in memory). */
class S3StoreTest extends StoreContract {
    static final String ACCESS = "hindsight-test";
    static final String SECRET = "hindsight-test-secret-key";
    static final AtomicInteger BUCKETS = new AtomicInteger();
    static S3Proxy proxy;
    static S3Client client;
    String bucket;

    @BeforeAll
    static void startS3() throws Exception {
        proxy = S3Proxy.builder().blobStore(org.gaul.s3proxy.BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        client = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .build();
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
    }

    @BeforeEach
    void freshBucket() {
        bucket = "contract-" + BUCKETS.incrementAndGet();
        client.createBucket(b -> b.bucket(bucket));
        store = new S3Store(client, bucket, "repo/");
    }

    @Override
    void assertOnlyObjects(String... keys) {
        assertThat(client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(keys).map(k -> "repo/" + k).toList());
        assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .as("no upload left unfinished").isEmpty();
    }

    @Test
    void describesItselfAndKeepsOutsideItsPrefix() throws IOException {
        assertThat(store.describe()).isEqualTo("s3://" + bucket + "/repo/");
        client.putObject(b -> b.bucket(bucket).key("elsewhere/x"), software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        put("k", "v");
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("k");
    }
}
