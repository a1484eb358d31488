package dev.hindsight.util;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4RangeTest {
    private static List<String> cidrs(String a, String b) {
        return Ipv4Range.of(a, b).blocks().stream().map(Ipv4Range.Block::cidr).toList();
    }

    @Test
    void aRangeBecomesTheFewestBlocksThatCoverItExactly() {
        assertThat(cidrs("10.0.0.0", "10.0.0.255")).containsExactly("10.0.0.0/24");
        assertThat(cidrs("203.0.113.7", "203.0.113.7")).containsExactly("203.0.113.7/32");
        assertThat(cidrs("127.0.0.2", "127.0.0.3")).containsExactly("127.0.0.2/31");
        assertThat(cidrs("10.0.0.1", "10.0.0.6")).containsExactly("10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31",
                "10.0.0.6/32");
        assertThat(cidrs("0.0.0.0", "255.255.255.255")).containsExactly("0.0.0.0/0");
        assertThat(cidrs("192.168.0.255", "192.168.1.0")).containsExactly("192.168.0.255/32", "192.168.1.0/32");
    }

    @Test
    void blocksCoverEveryAddressOfTheRangeAndNoOther() {
        Ipv4Range range = Ipv4Range.of("10.1.2.3", "10.1.9.200");
        long covered = 0;
        long previousEnd = range.start() - 1;
        for (Ipv4Range.Block b : range.blocks()) {
            assertThat(b.address()).isEqualTo(previousEnd + 1);
            assertThat(b.address() % (1L << (32 - b.prefix()))).as("aligned").isZero();
            covered += 1L << (32 - b.prefix());
            previousEnd = b.address() + (1L << (32 - b.prefix())) - 1;
        }
        assertThat(previousEnd).isEqualTo(range.end());
        assertThat(covered).isEqualTo(range.end() - range.start() + 1);
    }

    @Test
    void netmasksAreWrittenAsMariaDbTakesThem() {
        assertThat(Ipv4Range.of("10.0.0.0", "10.0.0.255").blocks().get(0).netmask()).isEqualTo("255.255.255.0");
        assertThat(Ipv4Range.of("1.2.3.4", "1.2.3.4").blocks().get(0).netmask()).isEqualTo("255.255.255.255");
        assertThat(Ipv4Range.of("0.0.0.0", "255.255.255.255").blocks().get(0).netmask()).isEqualTo("0.0.0.0");
    }

    @Test
    void badAddressesAndReversedRangesSayWhatIsRight() {
        assertThatThrownBy(() -> Ipv4Range.of("10.0.0.256", "10.0.1.0")).hasMessageContaining("over 255");
        assertThatThrownBy(() -> Ipv4Range.of("10.0.0", "10.0.1.0")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Ipv4Range.of("::1", "::1")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Ipv4Range.of("10.0.0.9", "10.0.0.1")).hasMessageContaining("comes after");
    }

    @Test
    void onlyTheLoopbackHostItselfKeepsAServerOnLoopback() {
        assertThat(Ipv4Range.of("127.0.0.1", "127.0.0.1").reachesBeyondLoopbackHost()).isFalse();
        assertThat(Ipv4Range.of("127.0.0.1", "127.0.0.2").reachesBeyondLoopbackHost()).isTrue();
        assertThat(Ipv4Range.of("10.0.0.1", "10.0.0.1").reachesBeyondLoopbackHost()).isTrue();
    }
}
