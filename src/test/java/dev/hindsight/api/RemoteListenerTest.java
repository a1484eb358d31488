package dev.hindsight.api;

import dev.hindsight.testing.TestCertificates;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteListenerTest {
    @TempDir
    Path dir;

    @Test
    void aNonLoopbackAddressNeedsTlsOrTheOperatorsWordThatAProxyTerminatesIt() {
        for (String address : new String[]{"0.0.0.0:7443", "192.0.2.10:7443", "[::]:7443"}) {
            assertThatThrownBy(() -> RemoteListener.of(address, null, null, false)).as(address)
                    .isInstanceOfSatisfying(HindsightException.class, e -> {
                        assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                        assertThat(e.getMessage()).contains("without TLS");
                        assertThat(e.hint()).contains("--tls-cert", "--insecure-http");
                    });
        }
        RemoteListener behindProxy = RemoteListener.of("0.0.0.0:7443", null, null, true);
        assertThat(behindProxy.tls()).isFalse();
        assertThat(behindProxy.url(7443)).isEqualTo("http://0.0.0.0:7443");
        RemoteListener loopback = RemoteListener.of("127.0.0.2:0", null, null, false);
        assertThat(loopback.host()).isEqualTo("127.0.0.2");
        assertThat(RemoteListener.of("[::1]:7443", null, null, false).url(7443)).isEqualTo("http://[::1]:7443");
    }

    @Test
    void malformedAddressesAndHalfATlsPairAreRefused() throws Exception {
        for (String address : new String[]{"7443", ":7443", "0.0.0.0:", "0.0.0.0:http", "0.0.0.0:70000"}) {
            assertThatThrownBy(() -> RemoteListener.of(address, null, null, true)).as(address)
                    .isInstanceOfSatisfying(HindsightException.class, e -> assertThat(e.hint()).contains("ADDR:PORT"));
        }
        assertThatThrownBy(() -> RemoteListener.of("no-such-host.invalid:7443", null, null, true))
                .hasMessageContaining("not known on this host");
        Path cert = TestCertificates.make(dir, "server", "ec");
        assertThatThrownBy(() -> RemoteListener.of("0.0.0.0:7443", cert, null, false))
                .hasMessageContaining("both the certificate and its key");
        assertThatThrownBy(() -> RemoteListener.of("0.0.0.0:7443", cert, TestCertificates.keyOf(cert), true))
                .hasMessageContaining("contradict");
    }

    @Test
    void certificatesAndKeysAreLoadedOrRefusedWithTheFix() throws Exception {
        for (String type : new String[]{"ec", "rsa"}) {
            Path cert = TestCertificates.make(Files.createDirectories(dir.resolve(type)), "server", type);
            RemoteListener tls = RemoteListener.of("0.0.0.0:7443", cert, TestCertificates.keyOf(cert), false);
            assertThat(tls.tls()).as(type).isTrue();
            assertThat(tls.keyStore().getCertificateChain("hindsight")).hasSize(1);
            assertThat(tls.url(7443)).isEqualTo("https://0.0.0.0:7443");
        }
        Path ec = dir.resolve("ec/server.crt");
        Path rsaKey = dir.resolve("rsa/server.key");
        Path other = TestCertificates.make(Files.createDirectories(dir.resolve("other")), "server", "ec");
        assertThatThrownBy(() -> RemoteListener.of("0.0.0.0:7443", ec, TestCertificates.keyOf(other), false))
                .hasMessageContaining("is not the key of the certificate");
        assertThatThrownBy(() -> RemoteListener.of("0.0.0.0:7443", ec, rsaKey, false))
                .isInstanceOf(HindsightException.class);
        Path traditional = TestCertificates.traditionalKey(ec);
        assertThatThrownBy(() -> RemoteListener.of("0.0.0.0:7443", ec, traditional, false))
                .isInstanceOfSatisfying(HindsightException.class, e -> assertThat(e.hint()).contains("openssl pkcs8"));
        assertThatThrownBy(() -> RemoteListener.of("0.0.0.0:7443", TestCertificates.keyOf(ec), TestCertificates.keyOf(ec),
                false)).hasMessageContaining("certificate");
        assertThatThrownBy(() -> RemoteListener.of("0.0.0.0:7443", dir.resolve("missing.crt"), rsaKey, false))
                .hasMessageContaining("cannot read the TLS files");
    }
}
