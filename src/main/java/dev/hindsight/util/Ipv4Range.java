package dev.hindsight.util;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An inclusive range of IPv4 addresses, as firewall rules give them (start and end address),
 * and the fewest CIDR blocks that cover it exactly, which is what servers' access lists take.
 */
public record Ipv4Range(long start, long end) {
    private static final Pattern DOTTED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    public Ipv4Range {
        if (start < 0 || end > 0xFFFFFFFFL || start > end) {
            throw new IllegalArgumentException("not an IPv4 range: " + start + "-" + end);
        }
    }

    /** The range from {@code startIp} to {@code endIp}; a clear error for a bad address or a reversed range. */
    public static Ipv4Range of(String startIp, String endIp) {
        long a = parse(startIp, "start");
        long b = parse(endIp, "end");
        if (a > b) {
            throw HindsightException.invalid("the start address " + startIp + " comes after the end address " + endIp,
                    "give the lower address as --start-ip and the higher as --end-ip");
        }
        return new Ipv4Range(a, b);
    }

    static long parse(String text, String which) {
        var m = text == null ? null : DOTTED.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw HindsightException.invalid("the " + which + " address '" + text + "' is not an IPv4 address",
                    "give four numbers 0-255 separated by dots, e.g. 203.0.113.7");
        }
        long value = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                throw HindsightException.invalid("the " + which + " address '" + text + "' has a part over 255",
                        "give four numbers 0-255 separated by dots, e.g. 203.0.113.7");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    public static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "."
                + (address & 255);
    }

    public boolean contains(long address) {
        return address >= start && address <= end;
    }

    public boolean overlaps(Ipv4Range other) {
        return start <= other.end && other.start <= end;
    }

    /** True when the range holds an address outside 127.0.0.1, the one a server always listens on. */
    public boolean reachesBeyondLoopbackHost() {
        long loopback = parse("127.0.0.1", "loopback");
        return start != loopback || end != loopback;
    }

    /** The fewest CIDR blocks covering exactly this range, lowest first. */
    public List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        long next = start;
        while (next <= end) {
            // the largest aligned block that starts here and does not pass the end
            int prefix = 32 - Long.numberOfTrailingZeros(next == 0 ? 1L << 32 : next);
            prefix = Math.max(prefix, 0);
            while (next + (1L << (32 - prefix)) - 1 > end) {
                prefix++;
            }
            blocks.add(new Block(next, prefix));
            next += 1L << (32 - prefix);
        }
        return blocks;
    }

    /** One CIDR block: {@code address/prefix}. */
    public record Block(long address, int prefix) {
        public String cidr() {
            return format(address) + "/" + prefix;
        }

        /** The netmask in dotted form, as MariaDB's account host takes it ({@code 10.0.0.0/255.255.255.0}). */
        public String netmask() {
            return format(prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL);
        }
    }

    @Override
    public String toString() {
        return format(start) + "-" + format(end);
    }
}
