package dev.hindsight.engine;

/**
 * Makes an engine's parts; each engine package has one, named in
 * {@code META-INF/services/dev.hindsight.engine.EngineProvider}.
 */
public interface EngineProvider {
    Engine engine();
}
