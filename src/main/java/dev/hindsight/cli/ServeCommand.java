package dev.hindsight.cli;

import dev.hindsight.api.RemoteListener;
import dev.hindsight.daemon.Daemon;
import dev.hindsight.util.HindsightException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", description = "Run the daemon: supervision, log capture, schedules and the API (127.0.0.1, and --listen for other hosts).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "file holding the repository passphrase (default: $HINDSIGHT_PASSPHRASE, else a generated one in the home)")
    Path passphraseFile;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "API port on 127.0.0.1 (default: any free port)")
    int port;

    @Option(names = "--listen", paramLabel = "ADDR:PORT",
            description = "also serve the API there for other hosts, e.g. 0.0.0.0:7443 (TLS: give --tls-cert and --tls-key)")
    String listen;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate (chain) for --listen")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key of --tls-cert")
    Path tlsKey;

    @Option(names = "--insecure-http", description = "serve --listen in plain HTTP (only behind a proxy that terminates TLS)")
    boolean insecureHttp;

    @Override
    public Integer call() throws Exception {
        if (listen == null && (tlsCert != null || tlsKey != null || insecureHttp)) {
            throw HindsightException.invalid("--tls-cert, --tls-key and --insecure-http are for --listen",
                    "add --listen ADDR:PORT; the loopback API the local CLI uses is plain HTTP");
        }
        RemoteListener remote = listen == null ? null : RemoteListener.of(listen, tlsCert, tlsKey, insecureHttp);
        Daemon daemon = Daemon.start(home.resolve(), passphraseFile, port, remote);
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
