package dev.hindsight.store;

import dev.hindsight.testing.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectRetentionRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 Object Lock as far as an S3 API server that runs here can show it. None enforces it: S3Proxy
 * answers 501 to every Object Lock request, and Adobe S3Mock (3.12, 4.12, 5.2) and s3rver accept
 * the lock yet delete a locked version at once (tried, see docs/ARCHITECTURE.md). So this checks
 * that a bucket without Object Lock is refused with a way out, and that Hindsight asks S3 for
 * compliance-mode retention until the right time — S3 itself does the refusing.
 */
class S3ImmutabilityTest {
    static TestS3 s3;
    static final List<SdkRequest> sent = new CopyOnWriteArrayList<>();
    static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        s3 = TestS3.start(null);
        client = s3.client(List.of(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                sent.add(context.request());
            }
        }));
        client.createBucket(b -> b.bucket("plain"));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        s3.close();
    }

    @Test
    void aBucketWithoutObjectLockIsRefusedWithHowToGetOne() throws IOException {
        S3Store store = new S3Store(client, "plain", "repo/");
        assertThat(store.immutabilityRefusal()).hasValueSatisfying(r -> assertThat(r)
                .contains("bucket plain was not created with Object Lock").contains("--object-lock-enabled-for-bucket"));
        assertThat(store.protectedUntil("servers/s/x")).isEmpty();
    }

    @Test
    void protectionAsksForComplianceRetentionUntilTheGivenTime() throws IOException {
        S3Store store = new S3Store(client, "plain", "repo/");
        try (ObjectWriter w = store.create("servers/s/wal/1")) {
            w.write("log".getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
        Instant until = Instant.parse("2027-01-01T00:00:00Z");
        sent.clear();
        assertThatThrownBy(() -> store.protect("servers/s/wal/1", until))
                .as("S3Proxy implements no Object Lock: a permanent failure, not one to retry")
                .isInstanceOf(IOException.class).isNotInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("501");
        PutObjectRetentionRequest asked = sent.stream().filter(PutObjectRetentionRequest.class::isInstance)
                .map(PutObjectRetentionRequest.class::cast).findFirst().orElseThrow();
        assertThat(asked.bucket()).isEqualTo("plain");
        assertThat(asked.key()).isEqualTo("repo/servers/s/wal/1");
        assertThat(asked.retention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        assertThat(asked.retention().retainUntilDate()).isEqualTo(until);
        store.delete("servers/s/wal/1");
        assertThat(store.stat("servers/s/wal/1")).isEmpty();
    }

    /** As a credential sees it that may write and delete but not read the bucket's Object Lock configuration. */
    static final class LockConfigurationForbidden implements ExecutionInterceptor {
        private static boolean asked(Context.AfterTransmission context) {
            return context.request() instanceof GetObjectLockConfigurationRequest;
        }

        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            return asked(context) ? context.httpResponse().toBuilder().statusCode(403).build() : context.httpResponse();
        }

        @Override
        public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                               ExecutionAttributes attributes) {
            if (!asked(context)) {
                return context.responseBody();
            }
            return Optional.of(new ByteArrayInputStream(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                    + "<Code>AccessDenied</Code><Message>Access Denied</Message></Error>")
                    .getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aCredentialThatMayNotReadTheLockConfigurationDeletesAsBeforeAndPromisesNothing() throws IOException {
        try (S3Client restricted = s3.client(List.of(new LockConfigurationForbidden()))) {
            S3Store store = new S3Store(restricted, "plain", "repo/");
            try (ObjectWriter w = store.create("servers/s/wal/2")) {
                w.write("log".getBytes(StandardCharsets.UTF_8));
                w.commit();
            }
            store.delete("servers/s/wal/2");
            assertThat(store.stat("servers/s/wal/2")).isEmpty();
            assertThat(store.immutabilityRefusal()).hasValueSatisfying(r -> assertThat(r)
                    .contains("may not read the Object Lock configuration of bucket plain")
                    .contains("s3:GetBucketObjectLockConfiguration"));
        }
    }
}
