package dev.hindsight.storage;

import dev.hindsight.util.HindsightException;

/**
 * A workload preset, as the Azure portal offers one: it picks the backup redundancy when none is
 * given. Production wants a copy that survives the loss of the region; development does not.
 */
public enum Workload {
    DEV("dev", Redundancy.LOCAL),
    PROD("prod", Redundancy.GEO);

    /** What a server gets when neither a workload nor a redundancy is given. */
    public static final Workload DEFAULT = PROD;

    private final String text;
    private final Redundancy redundancy;

    Workload(String text, Redundancy redundancy) {
        this.text = text;
        this.redundancy = redundancy;
    }

    public Redundancy redundancy() {
        return redundancy;
    }

    public String text() {
        return text;
    }

    public static Workload parse(String text) {
        for (Workload w : values()) {
            if (w.text.equalsIgnoreCase(text)) {
                return w;
            }
        }
        throw HindsightException.invalid("unknown workload '" + text + "'",
                "use --workload dev (local redundancy) or --workload prod (geo redundancy)");
    }
}
