package dev.hindsight.engine.mariadb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MariaDbIntegrityTest {
    @Test
    void findingsAreReadFromTheLinesWithTheTableTheyAreAbout() {
        String output = """
                mysql.user                                         OK
                shop.archive
                error    : Size of datafile is:    150000         Should be: 300000
                error    : Corrupt
                shop.orders                                        OK
                shop.legacy
                note     : The storage engine for the table doesn't support check
                shop.broken                                        Table is marked as crashed
                """;
        assertThat(MariaDbIntegrity.problems(output)).containsExactly(
                "shop.archive: error : Size of datafile is: 150000 Should be: 300000",
                "shop.archive: error : Corrupt",
                "shop.broken: Table is marked as crashed");
        assertThat(MariaDbIntegrity.problems("mysql.user   OK\nshop.orders   OK\n")).isEmpty();
    }
}
