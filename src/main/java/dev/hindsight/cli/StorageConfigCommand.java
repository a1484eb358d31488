package dev.hindsight.cli;

import dev.hindsight.control.Home;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.StorageConfigFile;
import dev.hindsight.util.HindsightException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.Callable;

/**
 * A command that changes the storage configuration file: the change is checked whole before the
 * file is written (a bad value changes nothing), and a running daemon is told to use it.
 */
abstract class StorageConfigCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Spec
    CommandSpec spec;

    /** The configuration with this command's change; throws to change nothing. */
    abstract StorageConfig change(StorageConfig current) throws IOException;

    abstract String done(StorageConfig changed);

    @Override
    public Integer call() throws IOException {
        Home h = home.resolve().ensureExists();
        StorageConfigFile file = new StorageConfigFile(h.storageConfig(), h.repository());
        StorageConfig changed = change(file.load());
        file.save(changed);
        PrintWriter out = spec.commandLine().getOut();
        out.println(done(changed));
        if (Files.exists(h.endpoint())) {
            try {
                new ApiClient(h).post("/api/v1/storage/reload", null);
                out.println("The running daemon uses it now.");
            } catch (HindsightException | UncheckedIOException e) {
                out.println("Saved; the daemon could not be told (" + e.getMessage() + "): it takes effect when the "
                        + "daemon starts again.");
            }
        } else {
            out.println("It takes effect when the daemon starts.");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
