package dev.hindsight.control;

import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What users may ask for: each refusal is INVALID_INPUT, names the bad value and says what would be right. */
class ValidationTest {
    @ParameterizedTest
    @ValueSource(strings = {"ab", "Prod", "prod_1", "prod 1", "a-very-long-name-that-goes-on-and-on-well-past-the-sixty-three-limit"})
    @NullSource
    void aBadServerNameIsRefused(String name) {
        assertThatThrownBy(() -> Validation.serverName(name)).isInstanceOfSatisfying(HindsightException.class, e -> {
            assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
            assertThat(e.getMessage()).contains("'" + name + "'");
            assertThat(e.hint()).contains("3 to 63 characters");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod", "db-01", "a1b"})
    void aGoodServerNameIsTaken(String name) {
        assertThatCode(() -> Validation.serverName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg_admin", "Admin", "1admin", ServerRecords.AGENT_USER, "has-dash"})
    void aBadAdminUserIsRefusedAndTheHintNamesTheReservedLogin(String user) {
        assertThatThrownBy(() -> Validation.adminUser(user, ServerRecords.AGENT_USER))
                .isInstanceOf(HindsightException.class).hasMessageContaining("invalid admin user '" + user + "'")
                .extracting(e -> ((HindsightException) e).hint()).asString().contains(ServerRecords.AGENT_USER);
    }

    @Test
    void passwordsAndPortsHaveBoundsThatTheErrorNames() {
        assertThatThrownBy(() -> Validation.adminPassword("short")).hasMessageContaining("8 to 128 characters");
        assertThatThrownBy(() -> Validation.adminPassword("x".repeat(129))).hasMessageContaining("8 to 128");
        assertThatCode(() -> Validation.adminPassword("x".repeat(8))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Validation.port(1023)).hasMessageContaining("port 1023 is out of range")
                .extracting(e -> ((HindsightException) e).hint()).asString().contains("1024 and 65535");
        assertThatThrownBy(() -> Validation.port(65536)).hasMessageContaining("out of range");
        assertThatCode(() -> Validation.port(5432)).doesNotThrowAnyException();
    }

    @Test
    void retentionIsTheRetentionPolicysRule() {
        assertThatThrownBy(() -> Validation.retentionDays(36)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Validation.retentionDays(0)).hasMessageContaining("out of range");
        assertThatCode(() -> Validation.retentionDays(35)).doesNotThrowAnyException();
    }
}
