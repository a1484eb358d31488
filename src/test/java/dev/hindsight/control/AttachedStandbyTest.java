package dev.hindsight.control;

import dev.hindsight.repo.catalog.Standby;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttachedStandbyTest {
    @TempDir
    Path dir;

    @Test
    void aStandbyIsHostPortAndAStandbysDataDirectory() throws IOException {
        Files.writeString(dir.resolve("PG_VERSION"), "15\n");
        Files.writeString(dir.resolve("standby.signal"), "");
        Standby standby = AttachedStandby.parse("postgres", "127.0.0.1:5433", dir.toString());
        assertThat(standby).extracting(Standby::host, Standby::port, Standby::dataDir, Standby::managed)
                .containsExactly("127.0.0.1", 5433, dir.toString(), false);
        assertThat(standby.id()).as("each recorded standby is told apart").isNotBlank()
                .isNotEqualTo(AttachedStandby.parse("postgres", "127.0.0.1:5433", dir.toString()).id());
        assertThat(AttachedStandby.parse("postgres", "postgresql://u:p@localhost:6543/postgres", dir.toString()))
                .extracting(Standby::host, Standby::port).containsExactly("localhost", 6543);
        assertThat(AttachedStandby.parse("postgres", null, null)).isNull();
    }

    @Test
    void halfAStandbyABadAddressOrAPrimarysDirectoryIsRefused() throws IOException {
        Files.writeString(dir.resolve("PG_VERSION"), "15\n");
        assertThatThrownBy(() -> AttachedStandby.parse("postgres", "127.0.0.1:5433", null))
                .isInstanceOf(HindsightException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> AttachedStandby.parse("postgres", "127.0.0.1", dir.toString()))
                .isInstanceOf(HindsightException.class).hasMessageContaining("cannot read the standby's address");
        assertThatThrownBy(() -> AttachedStandby.parse("postgres", "127.0.0.1:99999", dir.toString()))
                .isInstanceOf(HindsightException.class).hasMessageContaining("cannot read");
        assertThatThrownBy(() -> AttachedStandby.parse("postgres", "127.0.0.1:5433", dir.toString()))
                .isInstanceOf(HindsightException.class).hasMessageContaining("not the data directory of a PostgreSQL standby");
        assertThatThrownBy(() -> AttachedStandby.parse("mariadb", "127.0.0.1:3307", dir.toString()))
                .isInstanceOf(HindsightException.class).hasMessageContaining("not the data directory of a MariaDB");
    }

    @Test
    void aMariaDbReplicaIsHostPortAndAMariaDbDataDirectory() throws IOException {
        Files.createDirectories(dir.resolve("mysql"));
        Files.writeString(dir.resolve("ibdata1"), "");
        assertThat(AttachedStandby.parse("mariadb", "mysql://u@127.0.0.1:3307/", dir.toString()))
                .extracting(Standby::host, Standby::port, Standby::dataDir).containsExactly("127.0.0.1", 3307,
                        dir.toString());
        assertThatThrownBy(() -> AttachedStandby.parse("postgres", "127.0.0.1:5433", dir.toString()))
                .isInstanceOf(HindsightException.class).hasMessageContaining("PostgreSQL standby");
    }
}
