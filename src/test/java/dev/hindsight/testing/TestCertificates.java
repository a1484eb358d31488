package dev.hindsight.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates made by the system's openssl, as an operator would make one, and a client that trusts one. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** A self-signed certificate for 127.0.0.1: {@code dir/<name>.crt} and its PKCS#8 key {@code dir/<name>.key}. */
    public static Path make(Path dir, String name, String keyType) throws IOException, InterruptedException {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        String[] newKey = keyType.equals("rsa") ? new String[]{"-newkey", "rsa:2048"}
                : new String[]{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"};
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl", "req", "-x509"));
        command.addAll(java.util.List.of(newKey));
        command.addAll(java.util.List.of("-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1"));
        run(command);
        return cert;
    }

    public static Path keyOf(Path cert) {
        return cert.resolveSibling(cert.getFileName().toString().replace(".crt", ".key"));
    }

    /** The same key in the traditional (PKCS#1 / SEC1) form that some tools still write. */
    public static Path traditionalKey(Path cert) throws IOException, InterruptedException {
        Path out = cert.resolveSibling("traditional.key");
        run(java.util.List.of("openssl", "pkey", "-in", keyOf(cert).toString(), "-traditional", "-out", out.toString()));
        return out;
    }

    public static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static void run(java.util.List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output
                    + " (scripts/setup --tests installs openssl)");
        }
    }
}
