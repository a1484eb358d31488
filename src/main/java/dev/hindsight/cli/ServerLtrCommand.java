package dev.hindsight.cli;

import dev.hindsight.control.LtrRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ltr", description = "Long-term retention of weekly, monthly and yearly full backups.",
        subcommands = {ServerLtrCommand.Set.class})
final class ServerLtrCommand {
    @Command(name = "set", description = "Keep the first full of every week / month / chosen week of the year for "
            + "the given ISO-8601 periods (up to 10 years; 0 for none).")
    static final class Set extends DaemonCommand {
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--weekly", defaultValue = "0", description = "e.g. P4W")
        String weekly;
        @Option(names = "--monthly", defaultValue = "0", description = "e.g. P12M")
        String monthly;
        @Option(names = "--yearly", defaultValue = "0", description = "e.g. P10Y")
        String yearly;
        @Option(names = "--week-of-year", defaultValue = "1", description = "1-52: which week's full the yearly keeps")
        int weekOfYear;
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            ServerShowCommand.print(out(), client().put("/api/v1/servers/" + name + "/ltr",
                    new LtrRequest(weekly, monthly, yearly, weekOfYear)), output);
            return ExitCodes.OK;
        }
    }
}
