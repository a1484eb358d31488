package dev.hindsight.control;

import dev.hindsight.testing.StepClock;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleLinksTest {
    private final StepClock clock = new StepClock(Instant.parse("2026-12-07T10:00:00Z"));

    @TempDir
    Path dir;
    private ControlDb db;
    private Tokens tokens;
    private ConsoleLinks links;
    private ApiToken admin;
    private ApiToken operator;
    private ApiToken reader;

    @BeforeEach
    void open() {
        db = new ControlDb(dir.resolve("control.db"));
        tokens = new Tokens(db, clock);
        links = new ConsoleLinks(tokens, clock);
        admin = tokens.create("home", Role.ADMIN, "30d").token();
        operator = tokens.create("ops", Role.OPERATOR, "2h").token();
        reader = tokens.create("grafana", Role.READER, null).token();
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void aLinkSignsInOnceWithItsRoleAndATokenThatLastsHalfADay() {
        ConsoleLinks.Link link = links.issue(Role.OPERATOR, admin);
        assertThat(link.code()).matches("hl_[A-Za-z0-9_-]{43}");
        assertThat(link.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

        IssuedToken session = links.redeem(link.code());
        assertThat(session.token().role()).isEqualTo(Role.OPERATOR);
        assertThat(session.token().name()).startsWith("console-home-");
        assertThat(session.token().issuedBy()).isEqualTo(admin.id());
        assertThat(session.token().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(12)));
        assertThat(tokens.find(session.secret())).isPresent();

        assertThatThrownBy(() -> links.redeem(link.code())).isInstanceOf(HindsightException.class)
                .hasMessageContaining("used already")
                .satisfies(e -> assertThat(((HindsightException) e).kind())
                        .isEqualTo(HindsightException.Kind.UNAUTHENTICATED));
    }

    @Test
    void anExpiredOrUnknownCodeSignsNobodyIn() {
        ConsoleLinks.Link link = links.issue(null, reader);
        assertThat(link.role()).as("the caller's role by default").isEqualTo(Role.READER);
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> links.redeem(link.code())).hasMessageContaining("expired");
        assertThatThrownBy(() -> links.redeem("hl_made-up")).hasMessageContaining("was made before the daemon restarted");
        assertThatThrownBy(() -> links.redeem(null)).hasMessageContaining("was made before the daemon restarted");
        assertThat(tokens.list()).extracting(ApiToken::name).containsExactlyInAnyOrder("home", "ops", "grafana");
    }

    @Test
    void aSessionEndsWithTheTokenItCameFromAndMakesNoLinksOfItsOwn() {
        IssuedToken session = links.redeem(links.issue(null, operator).code());
        assertThat(session.token().expiresAt()).as("never past the operator token's 2 hours")
                .isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        ApiToken sessionToken = tokens.find(session.secret()).orElseThrow();
        assertThatThrownBy(() -> links.issue(null, sessionToken)).hasMessageContaining("came from a sign-in link");

        ConsoleLinks.Link pending = links.issue(null, operator);
        tokens.revoke("ops");
        assertThat(tokens.find(session.secret()).orElseThrow().valid(clock.instant())).as("revoked with its issuer").isFalse();
        assertThatThrownBy(() -> links.redeem(pending.code())).hasMessageContaining("no longer valid");
    }

    @Test
    void aLinkNeverCarriesMoreThanTheRoleOfWhoeverAskedForIt() {
        assertThatThrownBy(() -> links.issue(Role.ADMIN, operator)).isInstanceOf(HindsightException.class)
                .hasMessageContaining("cannot make a sign-in link for the role admin")
                .satisfies(e -> assertThat(((HindsightException) e).kind()).isEqualTo(HindsightException.Kind.FORBIDDEN));
    }
}
