package dev.hindsight.store;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import dev.hindsight.storage.SiteConfig;
import dev.hindsight.storage.StoreFactory;
import dev.hindsight.testing.TestAzurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    protected void assertOnlyObjects(String... keys) {
        // uncommitted blocks are listed too, as blobs without a committed body
        ListBlobsOptions all = new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true));
        assertThat(container.listBlobs(all, null).stream().filter(b -> !isUncommittedOnly(b)).map(BlobItem::getName))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(keys).map(k -> "repo/" + k).toList());
    }

    private static boolean isUncommittedOnly(BlobItem item) {
        return item.getProperties().getContentLength() == 0 && item.getProperties().getETag() == null;
    }

    /** A site as `storage site add --type azure` configures it, with each kind of credential. */
    @Test
    void sitesWithASharedKeyASasTokenOrAConnectionStringWork() throws IOException {
        String sas = container.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission().setReadPermission(true).setWritePermission(true)
                        .setCreatePermission(true).setDeletePermission(true).setListPermission(true)));
        String connection = "DefaultEndpointsProtocol=http;AccountName=" + TestAzurite.ACCOUNT + ";AccountKey="
                + TestAzurite.KEY + ";BlobEndpoint=" + azurite.endpoint() + ";";
        List<SiteConfig> sites = List.of(
                new SiteConfig("key", SiteConfig.AZURE, "east", null, azurite.endpoint(), null, "a/", null, null, null,
                        null, container.getBlobContainerName(), TestAzurite.ACCOUNT, TestAzurite.KEY, null, null),
                new SiteConfig("sas", SiteConfig.AZURE, "east", null, azurite.endpoint(), null, "b/", null, null, null,
                        null, container.getBlobContainerName(), null, null, sas, null),
                new SiteConfig("conn", SiteConfig.AZURE, "east", null, null, null, "c/", null, null, null, null,
                        container.getBlobContainerName(), null, null, null, connection));
        for (SiteConfig site : sites) {
            Store configured = StoreFactory.copies(site.validated()).get(0).store();
            try (ObjectWriter out = configured.create("k")) {
                out.write(new byte[]{1, 2, 3});
                out.commit();
            }
            assertThat(configured.open("k").readAllBytes()).as(site.name()).containsExactly(1, 2, 3);
            assertThat(configured.list("")).extracting(ObjectInfo::key).containsExactly("k");
        }
        assertThat(container.listBlobs().stream().map(BlobItem::getName)).containsExactlyInAnyOrder("a/k", "b/k", "c/k");
    }

    @Test
    void anUnreachableAccountIsUnavailableNotMissing() {
        SiteConfig gone = new SiteConfig("gone", SiteConfig.AZURE, "east", null, "http://127.0.0.1:9/"
                + TestAzurite.ACCOUNT, null, null, null, null, null, null, "c", TestAzurite.ACCOUNT, TestAzurite.KEY,
                null, null);
        Store store = StoreFactory.copies(gone.validated()).get(0).store();
        assertThatThrownBy(() -> store.stat("k")).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot stat k");
    }

    @Test
    void describesItselfAndKeepsOutsideItsPrefix() throws IOException {
        assertThat(store.describe()).isEqualTo(container.getBlobContainerUrl() + "/repo/");
        container.getBlobClient("elsewhere/x").upload(com.azure.core.util.BinaryData.fromString("x"));
        put("k", "v");
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("k");
    }

    /**
     * Azurite implements no immutability (its set-policy calls answer 501, README: "Version Level
     * Worm" not supported): a container without version-level immutability is refused, with how
     * to get one, and a protection that cannot be set fails for good instead of looking done.
     */
    @Test
    void aContainerWithoutVersionLevelImmutabilityIsRefused() throws IOException {
        assertThat(store.immutabilityRefusal()).hasValueSatisfying(r -> assertThat(r)
                .contains("has no version-level immutability").contains("--enable-vlw"));
        put("servers/s/wal/1", "log");
        assertThatThrownBy(() -> store.protect("servers/s/wal/1", java.time.Instant.now().plusSeconds(60)))
                .isInstanceOf(IOException.class).isNotInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("make immutable");
        assertThat(store.protectedUntil("servers/s/wal/1")).isEmpty();
        store.delete("servers/s/wal/1");
        assertThat(store.stat("servers/s/wal/1")).isEmpty();
    }
}
