package dev.hindsight.testing;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real S3 API server in this JVM (S3Proxy), in memory or on a directory. On a directory it can
 * be stopped (the site is down: connections are refused) and started again on the same port with
 * its objects, as a service that comes back.
 */
public final class TestS3 implements AutoCloseable {
    public static final String ACCESS = "hindsight-test";
    public static final String SECRET = "hindsight-test-secret-key";

    private final Path dir;
    private S3Proxy proxy;
    private int port;

    private TestS3(Path dir) {
        this.dir = dir;
    }

    /** @param dir where the objects live, or null to keep them in memory */
    public static TestS3 start(Path dir) throws Exception {
        TestS3 s3 = new TestS3(dir);
        s3.startOn(0);
        return s3;
    }

    private void startOn(int wanted) throws Exception {
        Properties properties = new Properties();
        if (dir != null) {
            java.nio.file.Files.createDirectories(dir);
            properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        }
        proxy = S3Proxy.builder().blobStore(BlobStores.create(dir == null ? "transient" : "filesystem", properties))
                .endpoint(URI.create("http://127.0.0.1:" + wanted))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        port = proxy.getPort();
    }

    /** The site is down: the port refuses connections until {@link #restart()}. */
    public void stop() throws Exception {
        proxy.stop();
    }

    /** Back on the same port, with the objects it had (on a directory). */
    public void restart() throws Exception {
        startOn(port);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public S3Client client() {
        return client(java.util.List.of());
    }

    /** A client whose requests also pass through {@code interceptors} (to see what is sent). */
    public S3Client client(java.util.List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors) {
        return S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .overrideConfiguration(c -> c.executionInterceptors(interceptors))
                .build();
    }

    public void createBucket(String bucket) {
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
