package dev.hindsight.cli;

import dev.hindsight.daemon.Daemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", description = "Run the daemon: supervision, log capture, schedules and the API (127.0.0.1).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "file holding the repository passphrase (default: $HINDSIGHT_PASSPHRASE, else a generated one in the home)")
    Path passphraseFile;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "API port on 127.0.0.1 (default: any free port)")
    int port;

    @Override
    public Integer call() throws Exception {
        Daemon daemon = Daemon.start(home.resolve(), passphraseFile, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                daemon.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }
}
