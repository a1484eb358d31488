package dev.hindsight.testing;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.hindsight.util.FreePort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Azure Blob Storage API server for tests: Azurite (from npm, installed by scripts/setup
 * into .tools/azurite), started on a free port, in memory, and stopped by {@link #close()}.
 */
public final class TestAzurite implements AutoCloseable {
    /** Azurite's well-known development account (public: it is in Azurite's documentation). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    /** The newest service version Azurite 3.35 accepts. */
    public static final BlobServiceVersion VERSION = BlobServiceVersion.V2025_11_05;

    private final Process process;
    private final int port;

    private TestAzurite(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static TestAzurite start() throws IOException, InterruptedException {
        Path binary = Path.of(System.getProperty("hindsight.azurite",
                Path.of(".tools/azurite/node_modules/.bin/azurite-blob").toAbsolutePath().toString()));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Azurite is not installed at " + binary
                    + ": run scripts/setup --no-build --tests (it installs Azurite from npm into .tools/azurite)");
        }
        int port = FreePort.find();
        Process process = new ProcessBuilder(binary.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                String.valueOf(port), "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck").redirectErrorStream(true).start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains("successfully listens")) {
                        listening.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            listening.complete(null);
        }, "azurite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("Azurite did not start in 60 s: " + output, e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("Azurite exited: " + output);
        }
        return new TestAzurite(process, port);
    }

    /** The account's blob endpoint, as Azurite names it (path-style: the account is the first segment). */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public BlobServiceClient client() {
        return new BlobServiceClientBuilder().endpoint(endpoint()).serviceVersion(VERSION)
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY)).buildClient();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
