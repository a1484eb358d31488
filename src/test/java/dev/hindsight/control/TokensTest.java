package dev.hindsight.control;

import dev.hindsight.testing.StepClock;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokensTest {
    @TempDir
    Path dir;
    private ControlDb db;
    private final StepClock clock = new StepClock(Instant.parse("2026-03-01T10:00:00Z"));
    private Tokens tokens;

    @BeforeEach
    void open() {
        db = new ControlDb(dir.resolve("control.db"));
        tokens = new Tokens(db, clock);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void aTokenIsRandomStoredOnlyAsItsHashAndFoundBySecret() throws Exception {
        IssuedToken a = tokens.create("ci", Role.OPERATOR, null);
        IssuedToken b = tokens.create("grafana", Role.READER, null);
        assertThat(a.secret()).matches("hs_[A-Za-z0-9_-]{43}").isNotEqualTo(b.secret());
        assertThat(tokens.find(a.secret())).hasValueSatisfying(t -> {
            assertThat(t.name()).isEqualTo("ci");
            assertThat(t.role()).isEqualTo(Role.OPERATOR);
        });
        assertThat(tokens.find(a.secret() + "x")).isEmpty();
        assertThat(tokens.find("not-a-token")).isEmpty();
        db.close();
        String file = new String(Files.readAllBytes(dir.resolve("control.db")), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(file).doesNotContain(a.secret()).contains(Tokens.hash(a.secret()));
        db = new ControlDb(dir.resolve("control.db"));
    }

    @Test
    void anExpiredOrRevokedTokenIsKnownButNotValid() {
        IssuedToken shortLived = tokens.create("nightly", Role.OPERATOR, "2h");
        assertThat(shortLived.token().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        clock.advance(Duration.ofMinutes(119));
        assertThat(tokens.find(shortLived.secret()).orElseThrow().valid(clock.instant())).isTrue();
        clock.advance(Duration.ofMinutes(2));
        assertThat(tokens.find(shortLived.secret()).orElseThrow().valid(clock.instant())).isFalse();

        IssuedToken kept = tokens.create("kept", Role.ADMIN, "P30D");
        ApiToken revoked = tokens.revoke("kept");
        assertThat(revoked.revokedAt()).isEqualTo(clock.instant());
        assertThat(tokens.find(kept.secret()).orElseThrow().valid(clock.instant())).isFalse();
        assertThatThrownBy(() -> tokens.revoke("kept")).isInstanceOfSatisfying(HindsightException.class,
                e -> assertThat(e.kind()).isEqualTo(HindsightException.Kind.NOT_FOUND));
        // the name of a revoked token is free again
        assertThat(tokens.create("kept", Role.READER, null).token().role()).isEqualTo(Role.READER);
    }

    @Test
    void badRequestsAreRefusedAndMakeNoToken() {
        tokens.create("ci", Role.OPERATOR, null);
        assertThatThrownBy(() -> tokens.create("ci", Role.READER, null)).isInstanceOfSatisfying(HindsightException.class,
                e -> assertThat(e.kind()).isEqualTo(HindsightException.Kind.CONFLICT)).hasMessageContaining("exists");
        for (String lifetime : new String[]{"30m", "3651d", "0d", "soon", "-5d"}) {
            assertThatThrownBy(() -> tokens.create("x", Role.READER, lifetime)).as(lifetime)
                    .isInstanceOfSatisfying(HindsightException.class, e -> {
                        assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                        assertThat(e.hint()).contains("1h to 3650d");
                    });
        }
        assertThatThrownBy(() -> tokens.create("Bad Name", Role.READER, null)).hasMessageContaining("not valid");
        assertThatThrownBy(() -> tokens.create("x", null, null)).hasMessageContaining("needs a role");
        assertThat(tokens.list()).extracting(ApiToken::name).containsExactly("ci");
    }

    @Test
    void theHomeTokenIsKeptWhileValidAndReplacedWhenNot() {
        String first = tokens.homeToken(null);
        assertThat(tokens.find(first).orElseThrow().role()).isEqualTo(Role.ADMIN);
        assertThat(tokens.homeToken(first)).isEqualTo(first);
        tokens.revoke(Tokens.HOME_TOKEN);
        String second = tokens.homeToken(first);
        assertThat(second).isNotEqualTo(first);
        // a file edited by hand gets a new token, and the one before it stops working
        String third = tokens.homeToken("hs_edited");
        assertThat(third).isNotEqualTo(second);
        assertThat(tokens.find(second).orElseThrow().valid(clock.instant())).isFalse();
        assertThat(tokens.find(third).orElseThrow().valid(clock.instant())).isTrue();
    }

    @Test
    void roleOrderIsReaderOperatorAdmin() {
        assertThat(Role.ADMIN.allows(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.allows(Role.READER)).isTrue();
        assertThat(Role.OPERATOR.allows(Role.ADMIN)).isFalse();
        assertThat(Role.READER.allows(Role.OPERATOR)).isFalse();
        assertThatThrownBy(() -> Role.parse("root")).satisfies(e -> assertThat(((HindsightException) e).hint()).contains("reader, operator, admin"));
    }
}
