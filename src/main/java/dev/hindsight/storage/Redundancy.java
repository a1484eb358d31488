package dev.hindsight.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.hindsight.util.HindsightException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How many copies of a server's backups are kept, and where, as the managed services define it.
 * Synchronous copies are all written before anything is acknowledged; the geo copy follows
 * asynchronously.
 */
public enum Redundancy {
    /** Every copy of one site of the primary region (a filesystem site's paths; S3/Azure: the service's durability). */
    LOCAL("local", false, false),
    /** One copy in each site of the primary region (at least three). */
    ZONE("zone", true, false),
    /** Local, plus an asynchronous copy in the paired region. */
    GEO("geo", false, true),
    /** Zone, plus an asynchronous copy in the paired region. */
    GEO_ZONE("geo-zone", true, true);

    private final String text;
    private final boolean zonal;
    private final boolean geo;

    Redundancy(String text, boolean zonal, boolean geo) {
        this.text = text;
        this.zonal = zonal;
        this.geo = geo;
    }

    @JsonValue
    public String text() {
        return text;
    }

    /** Synchronous copies in every site of the primary region rather than in one. */
    public boolean zonal() {
        return zonal;
    }

    /** Has an asynchronous copy in the paired region. */
    public boolean geo() {
        return geo;
    }

    @JsonCreator
    public static Redundancy parse(String text) {
        for (Redundancy r : values()) {
            if (r.text.equalsIgnoreCase(text)) {
                return r;
            }
        }
        throw HindsightException.invalid("unknown backup redundancy '" + text + "'",
                "use one of: " + allNames());
    }

    public static String allNames() {
        return Arrays.stream(values()).map(Redundancy::text).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return text;
    }
}
