package dev.hindsight.store;

import dev.hindsight.testing.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on S3, against a real S3 API server in this JVM (S3Proxy, in memory). */
class S3StoreTest extends StoreContract {
    static final AtomicInteger BUCKETS = new AtomicInteger();
    static TestS3 s3;
    static S3Client client;
    String bucket;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = TestS3.start(null);
        client = s3.client();
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void freshBucket() {
        bucket = "contract-" + BUCKETS.incrementAndGet();
        client.createBucket(b -> b.bucket(bucket));
        store = new S3Store(client, bucket, "repo/");
    }

    @Override
    protected void assertOnlyObjects(String... keys) {
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
