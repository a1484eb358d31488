package dev.hindsight.api;

import dev.hindsight.util.HindsightException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.KeyStore;

/**
 * The API's listener for clients on other hosts, beside the loopback one the local CLI uses. It
 * speaks TLS: tokens must not cross a network in clear, so a non-loopback address without a
 * certificate is refused unless the operator says a proxy in front of it terminates TLS.
 *
 * @param keyStore the certificate and key (null: plain HTTP, which only loopback or --insecure-http allows)
 */
public record RemoteListener(String host, int port, KeyStore keyStore) {
    public boolean tls() {
        return keyStore != null;
    }

    public String url(int boundPort) {
        return (tls() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }

    /**
     * Checks and loads {@code --listen ADDR:PORT} with its TLS files before anything starts, so
     * that a mistake stops the daemon with the fix instead of serving tokens in clear.
     */
    public static RemoteListener of(String listen, Path tlsCert, Path tlsKey, boolean insecureHttp) {
        String hint = "give --listen ADDR:PORT, e.g. 0.0.0.0:7443 or [::]:7443";
        int colon = listen == null ? -1 : listen.lastIndexOf(':');
        if (colon <= 0) {
            throw HindsightException.invalid("--listen '" + listen + "' has no ADDR:PORT", hint);
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw HindsightException.invalid("--listen '" + listen + "' has no valid port", hint
                    + " (a port from 1 to 65535; 0 picks a free one)");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw HindsightException.invalid("TLS needs both the certificate and its key",
                    "give --tls-cert FILE and --tls-key FILE together (PEM)");
        }
        if (tlsCert != null && insecureHttp) {
            throw HindsightException.invalid("--insecure-http and --tls-cert contradict each other",
                    "leave out --insecure-http to serve TLS, or the TLS files to serve plain HTTP behind a proxy");
        }
        boolean loopback = isLoopback(host);
        if (tlsCert == null && !loopback && !insecureHttp) {
            throw HindsightException.invalid("the API would listen on " + host + " without TLS, sending tokens in clear",
                    "give --tls-cert and --tls-key (PEM), or --insecure-http if a proxy in front of it terminates TLS");
        }
        return new RemoteListener(host, port, tlsCert == null ? null : PemKeyStore.load(tlsCert, tlsKey));
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw HindsightException.invalid("--listen address '" + host + "' is not known on this host",
                    "give an address of this host (or 0.0.0.0 / [::] for all of them)");
        }
    }
}
