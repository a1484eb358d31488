package dev.hindsight.store;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Store} in an S3 bucket (AWS, or any S3 API), under a key prefix. An object is one
 * PUT, or a multipart upload for one larger than {@link #PART}: either way it becomes visible
 * only when complete. Write-once is asked of the service ({@code If-None-Match: *} on the PUT and
 * on completing an upload, which S3 enforces atomically) and checked before as well, for S3 API
 * servers that ignore the header.
 */
public final class S3Store implements Store {
    /** Objects up to this size are one PUT; larger ones are uploaded in parts of this size. */
    static final int PART = 8 << 20;
    private static final int BAD_REQUEST = 400;
    private static final int FORBIDDEN = 403;
    private static final int NOT_FOUND = 404;
    private static final int NOT_IMPLEMENTED = 501;
    private static final int PRECONDITION_FAILED = 412;
    private static final int RANGE_NOT_SATISFIABLE = 416;

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    /** Whether the bucket has Object Lock; read once, when first needed. */
    private volatile Boolean objectLockEnabled;
    /** Why the Object Lock configuration could not be read (a 403), if it could not. */
    private volatile String objectLockUnreadable;

    /** @param prefix prepended to every key: empty, or ending in '/' */
    public S3Store(S3Client client, String bucket, String prefix) {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("an S3 key prefix ends in '/': " + prefix);
        }
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    @Override
    public ObjectWriter create(String key) {
        return new Writer(Keys.requireValid(key));
    }

    @Override
    public InputStream open(String key) throws IOException {
        Keys.requireValid(key);
        try {
            return client.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + key).build());
        } catch (SdkException e) {
            throw failure(e, key, "read");
        }
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        Keys.requireValid(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range " + offset + "+" + length + " of " + key);
        }
        if (length == 0) {
            stat(key).orElseThrow(() -> new NoSuchObjectException(key, describe()));
            return InputStream.nullInputStream();
        }
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(GetObjectRequest.builder().bucket(bucket)
                    .key(prefix + key).range("bytes=" + offset + "-" + (offset + length - 1)).build());
            return in;
        } catch (SdkException e) {
            if (e instanceof S3Exception s3 && s3.statusCode() == RANGE_NOT_SATISFIABLE) {
                return InputStream.nullInputStream(); // the range starts past the end, as a file read would
            }
            throw failure(e, key, "read");
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Keys.requireValid(key);
        try {
            HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(prefix + key));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
        } catch (SdkException e) {
            if (e instanceof S3Exception s3 && s3.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw failure(e, key, "stat");
        }
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) throws IOException {
        Keys.requireValidPrefix(keyPrefix);
        List<ObjectInfo> found = new ArrayList<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + keyPrefix).build()).contents()) {
                found.add(new ObjectInfo(o.key().substring(prefix.length()), o.size(), o.lastModified()));
            }
        } catch (SdkException e) {
            throw failure(e, keyPrefix, "list");
        }
        found.sort(Comparator.comparing(ObjectInfo::key));
        return found;
    }

    /**
     * In a bucket with Object Lock (always versioned), a plain delete only hides the object behind
     * a delete marker: every version of the key is deleted instead, which S3 refuses for a version
     * whose retention has not ended.
     */
    @Override
    public void delete(String key) throws IOException {
        Keys.requireValid(key);
        try {
            if (objectLock()) {
                deleteVersions(key);
            } else {
                client.deleteObject(b -> b.bucket(bucket).key(prefix + key));
            }
        } catch (SdkException e) {
            if (e instanceof S3Exception s3 && s3.statusCode() == FORBIDDEN && objectLock()) {
                Optional<Instant> until = protectedUntil(key);
                if (until.isPresent()) { // else a plain access denial, reported as one
                    throw new ObjectLockedException(key, describe(), until.get());
                }
            }
            if (!(e instanceof S3Exception s3) || s3.statusCode() != NOT_FOUND) {
                throw failure(e, key, "delete");
            }
        }
    }

    private void deleteVersions(String key) {
        String name = prefix + key;
        var versions = client.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(name));
        for (var v : versions.versions()) {
            if (v.key().equals(name)) {
                client.deleteObject(b -> b.bucket(bucket).key(name).versionId(v.versionId()));
            }
        }
        for (var marker : versions.deleteMarkers()) {
            if (marker.key().equals(name)) {
                client.deleteObject(b -> b.bucket(bucket).key(name).versionId(marker.versionId()));
            }
        }
    }

    /**
     * S3 enforces Object Lock in compliance mode: until an object version's retain-until date,
     * nobody deletes it or shortens its retention, not even the account's root user. It needs a
     * bucket created with Object Lock.
     */
    @Override
    public Optional<String> immutabilityRefusal() throws IOException {
        if (objectLock()) {
            return Optional.empty();
        }
        String unreadable = objectLockUnreadable;
        if (unreadable != null) {
            return Optional.of("the credential may not read the Object Lock configuration of bucket " + bucket + " ("
                    + unreadable + "); allow it s3:GetBucketObjectLockConfiguration, s3:GetObjectRetention and"
                    + " s3:PutObjectRetention");
        }
        return Optional.of("bucket " + bucket + " was not created with Object Lock; create one with it, e.g. "
                + "aws s3api create-bucket --bucket " + bucket + "-worm --object-lock-enabled-for-bucket");
    }

    @Override
    public void protect(String key, Instant until) throws IOException {
        Keys.requireValid(key);
        Optional<Instant> current = protectedUntil(key);
        if (current.isPresent() && !current.get().isBefore(until)) {
            return; // compliance mode never shortens, and neither does this
        }
        try {
            client.putObjectRetention(b -> b.bucket(bucket).key(prefix + key).retention(r -> r
                    .mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(until)));
        } catch (SdkException e) {
            throw failure(e, key, "make immutable");
        }
    }

    @Override
    public Optional<Instant> protectedUntil(String key) throws IOException {
        Keys.requireValid(key);
        if (!objectLock()) {
            return Optional.empty();
        }
        try {
            ObjectLockRetention retention = client.getObjectRetention(b -> b.bucket(bucket).key(prefix + key))
                    .retention();
            if (retention == null || retention.retainUntilDate() == null
                    || !retention.retainUntilDate().isAfter(Instant.now())) {
                return Optional.empty();
            }
            return Optional.of(retention.retainUntilDate());
        } catch (SdkException e) {
            if (e instanceof S3Exception s3 && (s3.statusCode() == NOT_FOUND || s3.statusCode() == BAD_REQUEST)) {
                return Optional.empty(); // no such object, or none with a retention
            }
            throw failure(e, key, "read the retention of");
        }
    }

    /**
     * Whether the bucket has Object Lock enabled; asked when first needed, and remembered once the
     * bucket has answered. A credential that may not read the configuration (403) gets "no" without
     * it being remembered, so that such a store deletes as it always did, and refuses to promise
     * immutability it cannot check.
     */
    private boolean objectLock() throws IOException {
        Boolean known = objectLockEnabled;
        if (known != null) {
            return known;
        }
        try {
            var config = client.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
            known = config != null && config.objectLockEnabled() == ObjectLockEnabled.ENABLED;
        } catch (SdkException e) {
            if (e instanceof S3Exception s3 && s3.statusCode() == FORBIDDEN) {
                objectLockUnreadable = s3.getMessage();
                return false;
            }
            boolean noneConfigured = e instanceof S3Exception s3 && (s3.statusCode() == NOT_FOUND
                    && !"NoSuchBucket".equals(errorCode(s3)) || s3.statusCode() == NOT_IMPLEMENTED);
            if (!noneConfigured) {
                throw failure(e, "", "read the Object Lock configuration for");
            }
            known = false; // none configured (404), or an S3 API server without Object Lock (501)
        }
        objectLockEnabled = known;
        return known;
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    private IOException failure(SdkException e, String key, String what) {
        if (!(e instanceof S3Exception s3)) {
            // no answer from the service: refused, reset, timed out
            return new StoreUnavailableException("cannot " + what + " " + key + " in " + describe() + ": "
                    + e.getMessage(), e);
        }
        int status = s3.statusCode();
        if (status == NOT_FOUND && !"NoSuchBucket".equals(errorCode(s3))) {
            return new NoSuchObjectException(key, describe());
        }
        String message = "cannot " + what + " " + key + " in " + describe() + ": " + status + " " + errorCode(s3)
                + " " + e.getMessage();
        if ((status >= 500 && status != NOT_IMPLEMENTED) || status == 429 || status == 408) {
            return new StoreUnavailableException(message, e);
        }
        return new IOException(message, e); // 501: this S3 API server lacks the feature; asking again will not help
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    }

    /** Parts go to a multipart upload started with the first; a small object is one PUT. */
    private final class Writer extends PartedObjectWriter {
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();

        Writer(String key) {
            super(key, PART);
        }

        @Override
        protected void sendPart(int number, byte[] bytes, int length) throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = client.createMultipartUpload(CreateMultipartUploadRequest.builder().bucket(bucket)
                            .key(prefix + key).build()).uploadId();
                }
                String etag = client.uploadPart(UploadPartRequest.builder().bucket(bucket).key(prefix + key)
                                .uploadId(uploadId).partNumber(number).build(),
                        RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            } catch (SdkException e) {
                throw failure(e, key, "upload a part of");
            }
        }

        @Override
        protected void publishWhole(byte[] bytes, int length) throws IOException {
            refuseExisting();
            try {
                client.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + key).ifNoneMatch("*").build(),
                        RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length));
            } catch (SdkException e) {
                throw publishFailure(e);
            }
        }

        @Override
        protected void publishParts(int count) throws IOException {
            refuseExisting();
            try {
                client.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(bucket)
                        .key(prefix + key).uploadId(uploadId).ifNoneMatch("*")
                        .multipartUpload(m -> m.parts(parts)).build());
            } catch (SdkException e) {
                throw publishFailure(e);
            }
        }

        /** For S3 API servers that ignore If-None-Match; S3 itself enforces it atomically. */
        private void refuseExisting() throws IOException {
            if (stat(key).isPresent()) {
                throw new ObjectExistsException(key);
            }
        }

        private IOException publishFailure(SdkException e) {
            if (e instanceof S3Exception s3 && s3.statusCode() == PRECONDITION_FAILED) {
                return new ObjectExistsException(key);
            }
            return failure(e, key, "write");
        }

        @Override
        protected void abandonParts() throws IOException {
            try {
                client.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(prefix + key)
                        .uploadId(uploadId).build());
            } catch (SdkException e) {
                throw failure(e, key, "abandon the upload of");
            }
        }
    }
}
