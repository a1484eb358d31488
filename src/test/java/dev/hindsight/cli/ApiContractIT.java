package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API as a script sees it: the OpenAPI document and the served routes agree, every role gets
 * what it may and no more, every error is the documented problem and changes nothing, and every
 * answer given here matches the document's schemas.
 */
class ApiContractIT {
    private HindsightFixture hs;
    private ApiClientHttp api;
    private String admin;
    private final List<ApiClientHttp.Exchange> exchanges = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        hs = new HindsightFixture();
        api = new ApiClientHttp(hs.daemon().port(), exchanges);
        admin = Files.readString(hs.home.resolve("daemon.token")).strip();
    }

    @AfterEach
    void stop() throws IOException {
        hs.close();
    }

    @Test
    void theDocumentListsExactlyTheServedRoutesWithTheirRoles() throws Exception {
        OpenApiResponses openApi = new OpenApiResponses();
        Map<String, String> documented = new TreeMap<>();
        openApi.document().path("paths").fields().forEachRemaining(path -> path.getValue().fields()
                .forEachRemaining(op -> {
                    if (Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                        documented.put(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(),
                                op.getValue().path("x-role").asText("(no x-role)"));
                    }
                }));
        var server = hs.daemon().api();
        assertThat(documented).as("docs/openapi.json against the routes the API registers")
                .isEqualTo(server.routeRoles());
        assertThat(new HashSet<>(server.servedRoutes())).as("what Javalin serves")
                .isEqualTo(new HashSet<>(server.routes()));

        ApiClientHttp.Exchange served = api.get(null, "/api/v1/openapi.json");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json()).isEqualTo(openApi.document());
        assertThat(openApi.document().path("openapi").asText()).startsWith("3.1");
        assertThat(openApi.mismatches(exchanges)).isEmpty();
    }

    @Test
    void eachRoleGetsWhatItMayAndIsRefusedTheRestWithNothingChanged() throws Exception {
        String reader = token("grafana", "reader", null);
        String operator = token("ci", "operator", null);
        String createBody = "{\"name\":\"refused\",\"engine\":\"postgres\"}";

        // no token, a wrong one: 401 with the scheme to use
        for (String token : new String[]{null, "hs_wrong", "not-even-the-format"}) {
            ApiClientHttp.Exchange refused = api.get(token, "/api/v1/servers");
            assertThat(refused.status()).as(String.valueOf(token)).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"hindsight\"");
            assertThat(refused.json().path("hint").asText()).contains(token == null ? "Authorization: Bearer"
                    : "hindsight token create");
        }
        assertThat(api.get(null, "/metrics").status()).isEqualTo(401);

        // a reader sees, and changes nothing
        assertThat(api.get(reader, "/api/v1/whoami").json()).isEqualTo(Json.MAPPER.readTree(
                "{\"name\":\"grafana\",\"role\":\"reader\"}"));
        assertThat(api.get(reader, "/api/v1/servers").status()).isEqualTo(200);
        assertThat(api.get(reader, "/api/v1/operations").status()).isEqualTo(200);
        assertThat(api.get(reader, "/api/v1/storage").status()).isEqualTo(200);
        ApiClientHttp.Exchange metrics = api.get(reader, "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE");
        for (String[] call : new String[][]{{"POST", "/api/v1/servers", createBody},
                {"POST", "/api/v1/servers/any/backups", "{}"}, {"POST", "/api/v1/repository/verify", null},
                {"POST", "/api/v1/restores", "{\"sourceServer\":\"any\",\"name\":\"new\",\"latest\":true}"},
                {"GET", "/api/v1/tokens", null}, {"GET", "/api/v1/audit", null},
                {"POST", "/api/v1/tokens", "{\"name\":\"mine\",\"role\":\"admin\"}"},
                {"DELETE", "/api/v1/tokens/ci", null}, {"DELETE", "/api/v1/servers/any", null}}) {
            ApiClientHttp.Exchange refused = api.send(reader, call[0], call[1], call[2]);
            assertThat(refused.status()).as(call[0] + " " + call[1]).isEqualTo(403);
            assertThat(refused.json().path("detail").asText()).contains("has the role reader");
        }
        // an operator backs up and restores, but does not create, and an unknown server is 404 to it
        assertThat(api.post(operator, "/api/v1/servers", createBody).status()).isEqualTo(403);
        assertThat(api.post(operator, "/api/v1/tokens", "{\"name\":\"mine\",\"role\":\"operator\"}").status())
                .isEqualTo(403);
        ApiClientHttp.Exchange unknown = api.post(operator, "/api/v1/servers/nope/backups", "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("detail").asText()).contains("nope");
        assertThat(api.post(operator, "/api/v1/repository/verify?server=nope", null).status()).isEqualTo(404);

        assertThat(api.get(admin, "/api/v1/servers").json()).isEmpty();
        assertThat(hs.cli("token", "list", "--output", "json").ok().json()).extracting(t -> t.path("name").asText())
                .containsExactlyInAnyOrder("home", "grafana", "ci");
        assertThat(hs.cli("token", "list", "--output", "json").ok().out()).doesNotContain(reader, operator, "secret");

        // revoked: refused at once, saying so
        hs.cli("token", "revoke", "ci").ok();
        ApiClientHttp.Exchange revoked = api.get(operator, "/api/v1/servers");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.json().path("detail").asText()).contains("'ci' was revoked");
        // expired: the daemon's clock passes the token's end
        String nightly = token("nightly", "operator", "1h");
        assertThat(api.get(nightly, "/api/v1/servers").status()).isEqualTo(200);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + hs.home.resolve("control.db"));
             PreparedStatement past = db.prepareStatement("UPDATE tokens SET expires_at = ? WHERE name = 'nightly'")) {
            past.setString(1, Instant.now().minusSeconds(1).toString());
            assertThat(past.executeUpdate()).isEqualTo(1);
        }
        ApiClientHttp.Exchange expired = api.get(nightly, "/api/v1/servers");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().path("detail").asText()).contains("'nightly' expired at");

        // the audit log names who asked for what, refusals included; only an admin reads it
        JsonNode audit = api.get(admin, "/api/v1/audit?limit=500").json();
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.path("actor").asText()).isEqualTo("grafana");
            assertThat(e.path("action").asText()).isEqualTo("POST /api/v1/servers");
            assertThat(e.path("status").asInt()).isEqualTo(403);
        });
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.path("actor").asText()).isEqualTo("home");
            assertThat(e.path("action").asText()).isEqualTo("DELETE /api/v1/tokens/{id}");
            assertThat(e.path("target").asText()).isEqualTo("ci");
            assertThat(e.path("status").asInt()).isEqualTo(200);
        });
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("POST /api/v1/tokens");
            assertThat(e.path("target").asText()).isEqualTo("nightly");
            assertThat(e.path("status").asInt()).isEqualTo(201);
        });
        assertThat(audit).noneSatisfy(e -> assertThat(e.path("action").asText()).startsWith("GET"));
        assertThat(api.get(admin, "/api/v1/audit?limit=0").status()).isEqualTo(400);
        assertThat(new OpenApiResponses().mismatches(exchanges)).isEmpty();
    }

    @Test
    void badRequestsAboutARealServerAreRefusedAndChangeNothing() throws Exception {
        ApiClientHttp.Exchange created = api.post(admin, "/api/v1/servers",
                "{\"name\":\"api-pg\",\"engine\":\"postgres\",\"backupRetentionDays\":7}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        // the name is held from the first answer on, not only once the server exists
        ApiClientHttp.Exchange twice = api.post(admin, "/api/v1/servers", "{\"name\":\"api-pg\"}");
        assertThat(twice.status()).as(twice.body()).isEqualTo(409);
        JsonNode made = awaitOperation(created.json().path("id").asText());
        assertThat(made.path("status").asText()).as(made.toString()).isEqualTo("succeeded");
        assertThat(made.path("kind").asText()).isEqualTo("create");
        assertThat(made.path("result").path("name").asText()).isEqualTo("api-pg");
        assertThat(made.path("result").path("state").asText()).isEqualTo("running");
        assertThat(api.post(admin, "/api/v1/servers", "{\"name\":\"Bad_Name\"}").status()).isEqualTo(400);
        assertThat(api.post(admin, "/api/v1/servers", "{\"name\":\"api-pg2\",\"backupRetentionDays\":0}").status())
                .isEqualTo(400);
        hs.awaitBackups("api-pg", HindsightFixture::anyCompleted, Duration.ofMinutes(2));
        JsonNode before = show("api-pg");
        Set<Path> dirs = serverDirs();

        // name taken: 409
        ApiClientHttp.Exchange taken = api.post(admin, "/api/v1/servers", "{\"name\":\"api-pg\"}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().path("detail").asText()).contains("api-pg");
        // out of range, unknown fields, wrong types, malformed JSON: 400 saying what is allowed
        for (String body : new String[]{"{\"backupRetentionDays\":0}", "{\"backupRetentionDays\":36}",
                "{\"backupRetention\":9}", "{\"backupRetentionDays\":\"nine\"}", "{\"backupRetentionDays\":",
                "[9]"}) {
            ApiClientHttp.Exchange bad = api.send(admin, "PATCH", "/api/v1/servers/api-pg", body);
            assertThat(bad.status()).as(body).isEqualTo(400);
            assertThat(bad.contentType()).startsWith("application/problem+json");
            assertThat(bad.json().path("hint").asText()).as(body).isNotBlank();
        }
        assertThat(api.send(admin, "PATCH", "/api/v1/servers/api-pg", "{\"backupRetentionDays\":36}").json()
                .path("hint").asText()).contains("1", "35");
        // the storage history: a span out of range is refused, a good one ends with the use now
        for (String days : new String[]{"0", "3661", "week"}) {
            ApiClientHttp.Exchange bad = api.get(admin, "/api/v1/servers/api-pg/usage/history?days=" + days);
            assertThat(bad.status()).as(days).isEqualTo(400);
            assertThat(bad.json().path("detail").asText()).contains("1 to 3660");
        }
        JsonNode history = api.get(admin, "/api/v1/servers/api-pg/usage/history?days=2").json();
        assertThat(history).isNotEmpty();
        assertThat(history.get(history.size() - 1).path("byType").path("full").asLong()).isPositive();
        // a restore time in the future, before the window, and a source that does not exist
        String future = Instant.now().plus(Duration.ofHours(1)).toString();
        for (String body : new String[]{
                "{\"sourceServer\":\"api-pg\",\"name\":\"too-late\",\"restoreTime\":\"" + future + "\"}",
                "{\"sourceServer\":\"api-pg\",\"name\":\"too-early\",\"restoreTime\":\"2020-01-01T00:00:00Z\"}",
                "{\"sourceServer\":\"api-pg\",\"name\":\"no-target\"}",
                "{\"sourceServer\":\"api-pg\",\"name\":\"when\",\"restoreTime\":\"yesterday\"}"}) {
            ApiClientHttp.Exchange bad = api.post(admin, "/api/v1/restores", body);
            assertThat(bad.status()).as(body).isEqualTo(400);
            assertThat(bad.json().path("detail").asText()).as(body).isNotBlank();
        }
        assertThat(api.post(admin, "/api/v1/restores", "{\"sourceServer\":\"gone\",\"name\":\"x\",\"latest\":true}")
                .status()).isEqualTo(404);
        assertThat(api.post(admin, "/api/v1/restores", "{\"sourceServer\":\"api-pg\",\"name\":\"api-pg\","
                + "\"latest\":true}").status()).isEqualTo(409);
        assertThat(api.get(admin, "/api/v1/servers/gone").status()).isEqualTo(404);
        assertThat(api.send(admin, "DELETE", "/api/v1/servers/gone", null).status()).isEqualTo(404);
        assertThat(api.get(admin, "/api/v1/servers/api-pg/connection-string?format=cobol").status()).isEqualTo(400);

        JsonNode after = show("api-pg");
        assertThat(stable(after)).isEqualTo(stable(before));
        assertThat(api.get(admin, "/api/v1/servers").json()).extracting(s -> s.path("name").asText())
                .containsExactly("api-pg");
        assertThat(serverDirs()).isEqualTo(dirs);

        // a PATCH that a client sends as an overridden POST does change the server
        ApiClientHttp.Exchange patched = api.send(admin, "POST", "/api/v1/servers/api-pg",
                "{\"backupRetentionDays\":14}", Map.of("X-HTTP-Method-Override", "PATCH"));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(show("api-pg").path("backupRetentionDays").asInt()).isEqualTo(14);

        // a second backup while one runs: 409; the first is an operation to poll to its end
        ApiClientHttp.Exchange first = startBackup();
        ApiClientHttp.Exchange second = api.post(admin, "/api/v1/servers/api-pg/backups", "{\"type\":\"full\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.json().path("detail").asText()).contains("already running");
        JsonNode done = awaitOperation(first.json().path("id").asText());
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("progress").asInt()).isEqualTo(100);
        assertThat(done.path("requestedBy").asText()).isEqualTo("home");
        assertThat(api.get(admin, "/api/v1/operations").json()).anySatisfy(op ->
                assertThat(op.path("id").asText()).isEqualTo(first.json().path("id").asText()));

        // the reads, for the schema check below
        Stream.of("/api/v1/servers/api-pg/usage", "/api/v1/servers/api-pg/backups",
                "/api/v1/servers/api-pg/connection-string", "/api/v1/storage", "/api/v1/tokens").forEach(path -> {
                    try {
                        assertThat(api.get(admin, path).status()).as(path).isEqualTo(200);
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(path, e);
                    }
                });
        ApiClientHttp.Exchange deleted = api.send(admin, "DELETE", "/api/v1/servers/api-pg", null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("note").asText()).contains("final log backup taken");
        assertThat(api.send(admin, "DELETE", "/api/v1/servers/api-pg?force=maybe", null).status()).isEqualTo(400);
        assertThat(api.get(admin, "/api/v1/deleted-servers").json()).anySatisfy(d ->
                assertThat(d.path("name").asText()).isEqualTo("api-pg"));
        assertThat(api.get(admin, "/api/v1/deleted-servers/api-pg").json().path("finalLogBackup").asBoolean()).isTrue();
        assertThat(api.get(admin, "/api/v1/deleted-servers/api-pg?deletedAt=yesterday").status()).isEqualTo(400);
        assertThat(api.get(admin, "/api/v1/deleted-servers/nope").status()).isEqualTo(404);
        assertThat(api.get(admin, "/api/v1/servers").json()).isEmpty();
        assertThat(new OpenApiResponses().mismatches(exchanges)).isEmpty();
    }

    @Test
    void storageIsChangedThroughTheDaemonAndARefusedChangeSavesNothing() throws Exception {
        Path dirs = Files.createTempDirectory(Path.of("/tmp"), "hindsight-sites-");
        try {
            HindsightFixture.Result added = hs.cli("storage", "site", "add", "disks", "--type", "fs",
                    "--path", dirs.resolve("a").toString(), "--path", dirs.resolve("b").toString(),
                    "--path", dirs.resolve("c").toString()).ok();
            assertThat(added.out()).contains("Added site disks (fs, region primary, 3 copies)",
                    "The running daemon uses it now");
            JsonNode shown = api.get(admin, "/api/v1/storage").json();
            assertThat(shown.path("region").asText()).isEqualTo("primary");
            assertThat(shown.path("sites")).extracting(site -> site.path("name").asText())
                    .containsExactly("home", "disks");
            String site = "{\"name\":\"dr\",\"type\":\"fs\",\"region\":\"west\",\"paths\":[\""
                    + dirs.resolve("w") + "\"]}";
            assertThat(api.post(admin, "/api/v1/storage/sites", site).status()).isEqualTo(201);
            try (Stream<Path> left = Files.walk(dirs.resolve("w"))) {
                assertThat(left.filter(Files::isRegularFile).filter(f -> f.toString().contains("probe")).toList())
                        .as("the probe object was removed").isEmpty();
            }
            ApiClientHttp.Exchange paired = api.send(admin, "PUT", "/api/v1/storage/regions",
                    "{\"primary\":\"primary\",\"paired\":\"west\"}");
            assertThat(paired.status()).as(paired.body()).isEqualTo(200);
            assertThat(paired.json().path("pairedRegion").asText()).isEqualTo("west");
            assertThat(hs.cli("storage", "policy", "set", "--allowed-redundancy", "local,zone,geo").ok().out())
                    .contains("Allowed backup redundancy: local, zone, geo.", "The running daemon uses it now");

            Path file = hs.home.resolve("storage.json");
            byte[] before = Files.readAllBytes(file);
            String reader = token("viewer", "reader", null);
            String operator = token("deployer", "operator", null);
            assertThat(api.post(reader, "/api/v1/storage/sites", site.replace("dr", "dr2")).status()).isEqualTo(403);
            assertThat(api.send(operator, "PUT", "/api/v1/storage/policy", "{\"allowedRedundancy\":[\"local\"]}")
                    .status()).isEqualTo(403);
            String[][] refused = {
                    {"POST", "/api/v1/storage/sites", site, "409"},
                    {"POST", "/api/v1/storage/sites", "{\"name\":\"x\",\"type\":\"ftp\",\"region\":\"west\"}", "400"},
                    {"POST", "/api/v1/storage/sites", "{\"name\":\"x\",\"type\":\"fs\",\"region\":\"west\","
                            + "\"paths\":[\"" + file + "/not-a-dir\"]}", "400"},
                    {"POST", "/api/v1/storage/sites", "{\"name\":\"x\",\"kind\":\"fs\"}", "400"},
                    {"PUT", "/api/v1/storage/regions", "{\"primary\":\"west\",\"paired\":\"west\"}", "400"},
                    {"PUT", "/api/v1/storage/regions", "{\"primary\":\"nowhere\",\"paired\":\"west\"}", "400"},
                    {"PUT", "/api/v1/storage/policy", "{\"allowedRedundancy\":[\"everywhere\"]}", "400"},
                    {"PUT", "/api/v1/storage/policy", "{\"allowedRedundancy\":[]}", "400"},
                    {"PUT", "/api/v1/storage/policy", "{}", "400"},
                    {"PUT", "/api/v1/storage/policy", "{\"allowedRedundancy\":\"local\"}", "400"}};
            for (String[] call : refused) {
                ApiClientHttp.Exchange answer = api.send(admin, call[0], call[1], call[2]);
                assertThat(answer.status()).as(call[2] + ": " + answer.body()).isEqualTo(Integer.parseInt(call[3]));
                assertThat(answer.json().path("hint").asText()).as(call[2]).isNotBlank();
            }
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
            assertThat(api.get(reader, "/api/v1/storage").json()).isEqualTo(api.get(admin, "/api/v1/storage").json());
            assertThat(new OpenApiResponses().mismatches(exchanges)).isEmpty();
        } finally {
            dev.hindsight.util.FileTrees.deleteRecursively(dirs);
        }
    }

    private ApiClientHttp.Exchange startBackup() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            ApiClientHttp.Exchange e = api.post(admin, "/api/v1/servers/api-pg/backups", "{\"type\":\"full\"}");
            if (e.status() == 202) {
                return e;
            }
            // the scheduler's own backup may still be running
            assertThat(e.status()).as(e.body()).isEqualTo(409);
            assertThat(Instant.now()).as("a backup could be started within 2 minutes").isBefore(deadline);
            Thread.sleep(200);
        }
    }

    private JsonNode awaitOperation(String id) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            JsonNode op = api.get(admin, "/api/v1/operations/" + id).json();
            if (!op.path("status").asText().equals("running")) {
                return op;
            }
            assertThat(Instant.now()).as("operation " + id + " ends within 3 minutes: " + op).isBefore(deadline);
            Thread.sleep(300);
        }
    }

    private JsonNode show(String name) throws Exception {
        ApiClientHttp.Exchange shown = api.get(admin, "/api/v1/servers/" + name);
        assertThat(shown.status()).isEqualTo(200);
        return shown.json();
    }

    /** A server's settings and identity, without what moves by itself (capture lag, latest point). */
    private static JsonNode stable(JsonNode server) {
        var copy = Json.MAPPER.createObjectNode();
        for (String field : new String[]{"name", "id", "engine", "port", "backupRetentionDays", "fullBackupInterval",
                "diffBackupInterval", "storageSizeGib", "backupRedundancy", "earliestRestorePoint", "createdAt"}) {
            copy.set(field, server.path(field));
        }
        return copy;
    }

    private Set<Path> serverDirs() throws IOException {
        Path servers = hs.home.resolve("servers");
        if (!Files.isDirectory(servers)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(servers)) {
            return new HashSet<>(list.toList());
        }
    }

    private String token(String name, String role, String expires) {
        List<String> args = new ArrayList<>(List.of("token", "create", "--name", name, "--role", role,
                "--output", "json"));
        if (expires != null) {
            args.addAll(List.of("--expires", expires));
        }
        JsonNode issued = hs.cli(args.toArray(String[]::new)).ok().json();
        assertThat(issued.path("token").path("role").asText()).isEqualTo(role);
        return issued.path("secret").asText();
    }
}
