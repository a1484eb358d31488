package dev.hindsight.store;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobImmutabilityPolicy;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Store} in an Azure Blob Storage container, under a name prefix. Objects are block
 * blobs: a small one is one upload, a larger one staged in blocks of {@link #BLOCK} and
 * published by committing the block list. Staged blocks are invisible until then (the service
 * drops uncommitted blocks after a week), and both publishing calls carry {@code If-None-Match: *},
 * which the service enforces atomically: never overwritten.
 */
public final class AzureBlobStore implements Store {
    /** Objects up to this size are one upload; larger ones are staged in blocks of this size. */
    static final int BLOCK = 8 << 20;
    /** Reads fetch this much per request. */
    private static final int READ_BLOCK = 4 << 20;

    private final BlobContainerClient container;
    private final String prefix;
    /** Whether the container has version-level immutability; read once, when first needed. */
    private volatile Boolean versionLevel;

    /** @param prefix prepended to every key: empty, or ending in '/' */
    public AzureBlobStore(BlobContainerClient container, String prefix) {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("an Azure blob name prefix ends in '/': " + prefix);
        }
        this.container = container;
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
            return container.getBlobClient(prefix + key).openInputStream(new BlobInputStreamOptions()
                    .setBlockSize(READ_BLOCK));
        } catch (RuntimeException e) {
            throw failure(e, key, "read");
        }
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        Keys.requireValid(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range " + offset + "+" + length + " of " + key);
        }
        ObjectInfo info = stat(key).orElseThrow(() -> new NoSuchObjectException(key, describe()));
        long available = Math.min(length, Math.max(0, info.size() - offset));
        if (available == 0) {
            return InputStream.nullInputStream(); // past the end, as a file read would be
        }
        try {
            return container.getBlobClient(prefix + key).openInputStream(new BlobInputStreamOptions()
                    .setRange(new BlobRange(offset, available)).setBlockSize((int) Math.min(READ_BLOCK, available)));
        } catch (RuntimeException e) {
            throw failure(e, key, "read");
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Keys.requireValid(key);
        try {
            BlobProperties p = container.getBlobClient(prefix + key).getProperties();
            return Optional.of(new ObjectInfo(key, p.getBlobSize(), p.getLastModified().toInstant()));
        } catch (RuntimeException e) {
            IOException failure = failure(e, key, "stat");
            if (failure instanceof NoSuchObjectException) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) throws IOException {
        Keys.requireValidPrefix(keyPrefix);
        List<ObjectInfo> found = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + keyPrefix), null)) {
                Instant modified = item.getProperties().getLastModified().toInstant();
                found.add(new ObjectInfo(item.getName().substring(prefix.length()),
                        item.getProperties().getContentLength(), modified));
            }
        } catch (RuntimeException e) {
            throw failure(e, keyPrefix, "list");
        }
        found.sort(Comparator.comparing(ObjectInfo::key));
        return found;
    }

    /**
     * Removes the blob and, in a container with version-level immutability (versioned), the
     * versions it leaves: those hold the bytes. A version still under its immutability policy is
     * refused by the service.
     */
    @Override
    public void delete(String key) throws IOException {
        Keys.requireValid(key);
        try {
            container.getBlobClient(prefix + key).deleteIfExists();
            if (versionsToDelete()) {
                for (BlobItem version : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + key)
                        .setDetails(new BlobListDetails().setRetrieveVersions(true)), null)) {
                    if (version.getName().equals(prefix + key) && version.getVersionId() != null) {
                        container.getBlobClient(prefix + key, version.getVersionId()).deleteIfExists();
                    }
                }
            }
        } catch (BlobStorageException e) {
            if (BlobErrorCode.BLOB_IMMUTABLE_DUE_TO_POLICY.equals(e.getErrorCode())) {
                throw new ObjectLockedException(key, describe(), protectedUntil(key).orElse(null));
            }
            throw failure(e, key, "delete");
        } catch (RuntimeException e) {
            throw failure(e, key, "delete");
        }
    }

    /**
     * Azure enforces immutability on blob versions, in a container created with version-level
     * immutability (immutable storage with versioning) — which only the management plane can
     * turn on, so it is checked here, not made.
     */
    @Override
    public Optional<String> immutabilityRefusal() throws IOException {
        if (versionLevelImmutability()) {
            return Optional.empty();
        }
        return Optional.of("container " + container.getBlobContainerName() + " has no version-level immutability;"
                + " create one with it, e.g. az storage container-rm create --storage-account ACCOUNT --name "
                + container.getBlobContainerName() + "-worm --enable-vlw (Azurite does not support it)");
    }

    @Override
    public void protect(String key, Instant until) throws IOException {
        Keys.requireValid(key);
        Optional<Instant> current = protectedUntil(key);
        if (current.isPresent() && !current.get().isBefore(until)) {
            return; // never shortened
        }
        try {
            container.getBlobClient(prefix + key).setImmutabilityPolicy(new BlobImmutabilityPolicy()
                    .setExpiryTime(until.atOffset(ZoneOffset.UTC)).setPolicyMode(BlobImmutabilityPolicyMode.LOCKED));
        } catch (RuntimeException e) {
            throw failure(e, key, "make immutable");
        }
    }

    @Override
    public Optional<Instant> protectedUntil(String key) throws IOException {
        Keys.requireValid(key);
        try {
            BlobImmutabilityPolicy policy = container.getBlobClient(prefix + key).getProperties().getImmutabilityPolicy();
            if (policy == null || policy.getExpiryTime() == null) {
                return Optional.empty();
            }
            Instant until = policy.getExpiryTime().toInstant();
            return until.isAfter(Instant.now()) ? Optional.of(until) : Optional.empty();
        } catch (RuntimeException e) {
            IOException failure = failure(e, key, "read the immutability of");
            if (failure instanceof NoSuchObjectException) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    /**
     * Whether a delete must also remove versions. A credential that may not read the container's
     * properties (a container-scoped SAS token) cannot have made anything immutable here either.
     */
    private boolean versionsToDelete() {
        try {
            return versionLevelImmutability();
        } catch (IOException e) {
            return false;
        }
    }

    private boolean versionLevelImmutability() throws IOException {
        Boolean known = versionLevel;
        if (known == null) {
            try {
                known = Boolean.TRUE.equals(container.getProperties().isImmutableStorageWithVersioningEnabled());
            } catch (RuntimeException e) {
                throw failure(e, "", "read the properties of the container for");
            }
            versionLevel = known;
        }
        return known;
    }

    @Override
    public String describe() {
        return container.getBlobContainerUrl() + "/" + prefix;
    }

    /** Maps the SDK's unchecked failures to the store's: missing, existing, unavailable (retryable) or permanent. */
    private IOException failure(RuntimeException e, String key, String what) {
        String message = "cannot " + what + " " + key + " in " + describe() + ": ";
        if (e instanceof BlobStorageException b) {
            BlobErrorCode code = b.getErrorCode();
            if (BlobErrorCode.BLOB_NOT_FOUND.equals(code)
                    || (b.getStatusCode() == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(code))) {
                return new NoSuchObjectException(key, describe());
            }
            if (BlobErrorCode.BLOB_ALREADY_EXISTS.equals(code) || BlobErrorCode.CONDITION_NOT_MET.equals(code)) {
                return new ObjectExistsException(key);
            }
            return classified(b.getStatusCode(), message + b.getStatusCode() + " " + code, e);
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return classified(h.getResponse().getStatusCode(), message + h.getMessage(), e);
        }
        if (e instanceof UncheckedIOException u && u.getCause() instanceof NoSuchObjectException missing) {
            return missing;
        }
        // no answer: refused, reset or timed out (the SDK wraps these as unchecked exceptions)
        return new StoreUnavailableException(message + e, e);
    }

    private static IOException classified(int status, String message, RuntimeException e) {
        // 501: the service (Azurite, say) lacks the feature; asking again will not help
        if ((status >= 500 && status != 501) || status == 429 || status == 408) {
            return new StoreUnavailableException(message, e);
        }
        return new IOException(message, e);
    }

    /** Blocks are staged as they fill and committed as a list; a small object is one upload. */
    private final class Writer extends PartedObjectWriter {
        private final List<String> blockIds = new ArrayList<>();

        Writer(String key) {
            super(key, BLOCK);
        }

        private BlockBlobClient blob() {
            return container.getBlobClient(prefix + key).getBlockBlobClient();
        }

        @Override
        protected void sendPart(int number, byte[] bytes, int length) throws IOException {
            // ids are equal-length within a blob, as the service requires
            String id = Base64.getEncoder().encodeToString(String.format("block-%08d", number)
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                blob().stageBlock(id, BinaryData.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes, 0, length)));
            } catch (RuntimeException e) {
                throw failure(e, key, "stage a block of");
            }
            blockIds.add(id);
        }

        @Override
        protected void publishWhole(byte[] bytes, int length) throws IOException {
            try {
                blob().uploadWithResponse(new BlockBlobSimpleUploadOptions(
                                BinaryData.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes, 0, length)))
                        .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), null, Context.NONE);
            } catch (RuntimeException e) {
                throw failure(e, key, "write");
            }
        }

        @Override
        protected void publishParts(int parts) throws IOException {
            try {
                blob().commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
                        .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), null, Context.NONE);
            } catch (RuntimeException e) {
                throw failure(e, key, "write");
            }
        }

        @Override
        protected void abandonParts() {
            // uncommitted blocks cannot be deleted on their own; the service drops them after a week
        }
    }
}
