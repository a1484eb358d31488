package dev.hindsight.engine;

import java.nio.file.Path;

/**
 * A database server on this host as an engine needs to know it: which server it is, where its
 * data and run directories (socket, log, options) are, and the port it listens on. The engine
 * decides the OS user it runs as.
 */
public record ServerSpec(String id, String name, int port, Path dataDir, Path runDir) {
}
