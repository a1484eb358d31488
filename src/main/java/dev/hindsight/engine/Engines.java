package dev.hindsight.engine;

import dev.hindsight.util.HindsightException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The engines this build knows, by the name users type. */
public final class Engines {
    private final Map<String, Engine> byName = new LinkedHashMap<>();

    public Engines(List<Engine> engines) {
        engines.forEach(e -> byName.put(e.name(), e));
    }

    /**
     * Every engine this build has, as META-INF/services names them (in that order): an engine is a
     * package of its own and a line there, and nothing here knows one by name.
     */
    public static Engines all() {
        return new Engines(ServiceLoader.load(EngineProvider.class).stream().map(p -> p.get().engine()).toList());
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
