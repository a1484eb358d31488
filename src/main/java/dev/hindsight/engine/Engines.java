package dev.hindsight.engine;

import dev.hindsight.util.HindsightException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The engines this build knows, by the name users type. */
public final class Engines {
    private final Map<String, Engine> byName = new LinkedHashMap<>();

    public Engines(List<Engine> engines) {
        engines.forEach(e -> byName.put(e.name(), e));
    }

    /** Every engine this build has. */
    public static Engines all() {
        return new Engines(List.of(new dev.hindsight.engine.postgres.PostgresEngine(),
                new dev.hindsight.engine.mariadb.MariaDbEngine()));
    }

    public Engine get(String name) {
        Engine engine = byName.get(name);
        if (engine == null) {
            throw HindsightException.invalid("unknown engine '" + name + "'",
                    "use one of: " + String.join(", ", byName.keySet()));
        }
        return engine;
    }
}
