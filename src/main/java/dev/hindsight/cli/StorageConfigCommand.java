package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.control.Home;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.StorageConfigFile;
import dev.hindsight.storage.StorageEdit;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A command that changes the storage configuration. With a daemon running, the daemon makes the
 * change through the API and uses it at once; without one (setting up storage before the first
 * start), the same change is made to the file here. Either way the change is checked whole
 * first, and a refused one saves nothing.
 */
abstract class StorageConfigCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Spec
    CommandSpec spec;

    /** The change this command makes. */
    abstract StorageEdit edit();

    /** Asks the daemon to make the change; returns the configuration it answers with. */
    abstract JsonNode viaApi(ApiClient client);

    abstract String done(StorageConfig changed);

    @Override
    public Integer call() throws IOException {
        Home h = home.resolve().ensureExists();
        PrintWriter out = spec.commandLine().getOut();
        StorageConfig changed = viaDaemon(h, this::viaApi).orElse(null);
        if (changed != null) {
            out.println(done(changed));
            out.println("The running daemon uses it now.");
        }
        if (changed == null) {
            changed = new StorageConfigFile(h.storageConfig(), h.repository()).edit(edit());
            out.println(done(changed));
            out.println("It takes effect when the daemon starts.");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The configuration the daemon answers this call with; empty when no daemon runs for the home. */
    static Optional<StorageConfig> viaDaemon(Home h, Function<ApiClient, JsonNode> call) throws IOException {
        if (!Files.exists(h.endpoint())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.treeToValue(call.apply(new ApiClient(h)), StorageConfig.class));
        } catch (HindsightException e) {
            if (e.kind() == HindsightException.Kind.UNAVAILABLE && e.getCause() instanceof ConnectException) {
                return Optional.empty(); // daemon.json left by a daemon that is gone: nobody else writes the file now
            }
            throw e;
        }
    }
}
