package dev.hindsight.store;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.hindsight.testing.TestAzurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on Azure Blob Storage, against a real Azure Storage API server (Azurite, in memory). */
class AzureBlobStoreTest extends StoreContract {
    static final AtomicInteger CONTAINERS = new AtomicInteger();
    static TestAzurite azurite;
    BlobContainerClient container;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = TestAzurite.start();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void freshContainer() {
        container = azurite.client().createBlobContainer("contract-" + CONTAINERS.incrementAndGet());
        store = new AzureBlobStore(container, "repo/");
    }

    @Override
    void assertOnlyObjects(String... keys) {
        // uncommitted blocks are listed too, as blobs without a committed body
        ListBlobsOptions all = new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true));
        assertThat(container.listBlobs(all, null).stream().filter(b -> !isUncommittedOnly(b)).map(BlobItem::getName))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(keys).map(k -> "repo/" + k).toList());
    }

    private static boolean isUncommittedOnly(BlobItem item) {
        return item.getProperties().getContentLength() == 0 && item.getProperties().getETag() == null;
    }

    @Test
    void describesItselfAndKeepsOutsideItsPrefix() throws IOException {
        assertThat(store.describe()).isEqualTo(container.getBlobContainerUrl() + "/repo/");
        container.getBlobClient("elsewhere/x").upload(com.azure.core.util.BinaryData.fromString("x"));
        put("k", "v");
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("k");
    }
}
