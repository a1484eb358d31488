package dev.hindsight.cli;

import dev.hindsight.control.Home;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --home DIR}, else HINDSIGHT_HOME, else ~/.hindsight. */
public final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR", description = "Hindsight's home (default: $HINDSIGHT_HOME or ~/.hindsight)")
    Path home;

    public Home resolve() {
        return Home.resolve(home);
    }
}
