package dev.hindsight.repo.catalog;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.hindsight.util.HindsightException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A server's compute tier, as the managed services sell them: how much of this machine's memory
 * the server may plan for, and how many clients it accepts. Servers share the host, so a tier is
 * a share of the machine rather than a fixed size; the engines turn it into their own settings.
 *
 * @param memoryDivisor  the server plans for the machine's memory divided by this
 * @param maxConnections client connections the server accepts
 */
public enum Tier {
    BURSTABLE("burstable", 16, 50),
    GENERAL_PURPOSE("general-purpose", 8, 100),
    MEMORY_OPTIMIZED("memory-optimized", 4, 200);

    public static final Tier DEFAULT = GENERAL_PURPOSE;
    private static final long MIN_SHARE = 256L << 20;

    private final String text;
    private final int memoryDivisor;
    private final int maxConnections;

    Tier(String text, int memoryDivisor, int maxConnections) {
        this.text = text;
        this.memoryDivisor = memoryDivisor;
        this.maxConnections = maxConnections;
    }

    @JsonValue
    public String text() {
        return text;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** The memory a server of this tier plans for on a machine with {@code machineBytes}; never under 256 MiB. */
    public long memoryShare(long machineBytes) {
        return Math.max(MIN_SHARE, machineBytes / memoryDivisor);
    }

    /** Reads {@code burstable}, {@code general-purpose} or {@code memory-optimized}; null gives null. */
    @JsonCreator
    public static Tier parse(String value) {
        if (value == null) {
            return null;
        }
        String wanted = value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(t -> t.text.equals(wanted)).findFirst()
                .orElseThrow(() -> HindsightException.invalid("unknown tier '" + value + "'",
                        "give one of " + names()));
    }

    public static String names() {
        return Arrays.stream(values()).map(Tier::text).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return text;
    }
}
