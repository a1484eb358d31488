package dev.hindsight.cli;

import dev.hindsight.control.Home;
import dev.hindsight.daemon.Daemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The daemon's API guard and the CLI's behaviour when no daemon runs. */
class DaemonApiIT {
    @TempDir
    Path home;

    @Test
    void requestsWithoutTheTokenGet401AndTheTokenIsOwnerOnly() throws Exception {
        try (Daemon daemon = Daemon.start(new Home(home), null, 0)) {
            HttpClient http = HttpClient.newHttpClient();
            URI servers = URI.create("http://127.0.0.1:" + daemon.port() + "/api/v1/servers");
            assertThat(http.send(HttpRequest.newBuilder(servers).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(servers).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            String token = Files.readString(home.resolve("daemon.token")).strip();
            assertThat(token).as("an hs_ token of 256 random bits").matches("hs_[A-Za-z0-9_-]{43}");
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(servers)
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("[]");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("daemon.token"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("passphrase"))))
                    .isEqualTo("rw-------");
            HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(servers)
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{not json"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(malformed.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("application/problem+json"));
            assertThat(malformed.body()).contains("malformed JSON in the request body at line 1")
                    .contains("\"status\":400").contains("\"hint\":");
            assertThatThrownBy(() -> Daemon.start(new Home(home), null, 0))
                    .hasMessageContaining("another Hindsight daemon is already serving");

            // the CLI's client: PATCH goes as a POST that says so, also where another POST route matches
            ApiClient client = new ApiClient(new Home(home));
            assertThatThrownBy(() -> client.patch("/api/v1/servers/attach", java.util.Map.of("backupRetentionDays", 9)))
                    .isInstanceOfSatisfying(dev.hindsight.util.HindsightException.class, e -> assertThat(e.kind())
                            .isEqualTo(dev.hindsight.util.HindsightException.Kind.NOT_FOUND))
                    .hasMessageContaining("attach");
            // a wrong token: refused with a message, with and without a request body
            Files.writeString(home.resolve("daemon.token"), "wrong");
            ApiClient wrong = new ApiClient(new Home(home));
            assertThatThrownBy(() -> wrong.get("/api/v1/servers")).hasMessageContaining("missing or wrong token");
            assertThatThrownBy(() -> wrong.post("/api/v1/servers", java.util.Map.of("name", "x")))
                    .hasMessageContaining("did not accept this client's token");
            Files.writeString(home.resolve("daemon.token"), token);
        }
    }

    @Test
    void otherHostsGetTheApiOverTlsWithTheSameTokens() throws Exception {
        Path cert = dev.hindsight.testing.TestCertificates.make(Files.createDirectories(home.resolve("tls")), "daemon",
                "ec");
        var remote = dev.hindsight.api.RemoteListener.of("127.0.0.1:0", cert,
                dev.hindsight.testing.TestCertificates.keyOf(cert), false);
        try (Daemon daemon = Daemon.start(new Home(home), null, 0, remote)) {
            String url = daemon.remoteUrl();
            assertThat(url).startsWith("https://127.0.0.1:").isNotEqualTo("https://127.0.0.1:" + daemon.port());
            HttpClient https = HttpClient.newBuilder().sslContext(dev.hindsight.testing.TestCertificates.trusting(cert))
                    .build();
            String token = Files.readString(home.resolve("daemon.token")).strip();
            HttpResponse<String> ok = https.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/servers"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("[]");
            assertThat(https.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/servers")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            // plain HTTP to the TLS port gets no API answer, and a client that does not trust the certificate none either
            String plain = url.replace("https://", "http://");
            HttpClient http = HttpClient.newHttpClient();
            try {
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(plain + "/api/v1/servers"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(refused.body()).doesNotContain("[]");
            } catch (java.io.IOException expected) {
                // the connection closed: as good
            }
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/servers")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            // the local CLI keeps its loopback listener
            StringWriter out = new StringWriter();
            assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "server", "list",
                    "--home=" + home)).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void serveRefusesToListenBeyondLoopbackInClear() {
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "serve",
                "--listen", "0.0.0.0:0", "--home=" + home);
        assertThat(exit).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("without TLS").contains("hint: give --tls-cert and --tls-key");
        assertThat(home.resolve("daemon.json")).doesNotExist();
        StringWriter err2 = new StringWriter();
        assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true), "serve",
                "--insecure-http", "--home=" + home)).isEqualTo(ExitCodes.INVALID);
        assertThat(err2.toString()).contains("are for --listen");
    }

    @Test
    void aServerLeftHalfCreatedByAnInterruptedDaemonIsRemovedAtStart() throws Exception {
        Path dir = Files.createDirectories(home.resolve("servers/half-0123456789/data"));
        try (dev.hindsight.control.ControlDb db = new dev.hindsight.control.ControlDb(home.resolve("control.db"))) {
            db.insertServer(new dev.hindsight.control.ManagedServer("half", "0123456789", "postgres", 54999,
                    dir.getParent(), dev.hindsight.control.ServerState.PROVISIONING, java.time.Instant.now()));
        }
        try (Daemon daemon = Daemon.start(new Home(home), null, 0)) {
            StringWriter out = new StringWriter();
            Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "server", "list",
                    "--output", "json", "--home=" + home);
            assertThat(out.toString().strip()).isEqualTo("[ ]");
            assertThat(dir.getParent()).doesNotExist();
        }
    }

    @Test
    void cliWithoutDaemonSaysHowToStartIt() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "server", "list", "--home=" + home);
        assertThat(exit).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString()).contains("daemon is not running").contains("hint: start it with `hindsight serve`");
    }

    @Test
    void usageErrorsExitWith2() {
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "server", "create");
        assertThat(exit).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("Missing required option: '--name=<name>'");
    }
}
