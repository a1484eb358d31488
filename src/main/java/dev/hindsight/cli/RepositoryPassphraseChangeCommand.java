package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.HindsightException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

@Command(name = "change", description = "Re-wrap every data key under a new passphrase, in every copy of every site "
        + "(checked first: a refusal changes nothing); the old passphrase stops opening the repository. The daemon's "
        + "passphrase file is updated; with HINDSIGHT_PASSPHRASE, set it to the new one before the next start. "
        + "Without the file options, both passphrases are asked for.")
final class RepositoryPassphraseChangeCommand extends DaemonCommand {
    @Option(names = "--current-file", paramLabel = "FILE", description = "a file holding the current passphrase")
    Path currentFile;
    @Option(names = "--new-file", paramLabel = "FILE", description = "a file holding the new passphrase")
    Path newFile;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        String current = read(currentFile, "Current passphrase: ");
        String next = read(newFile, "New passphrase: ");
        if (newFile == null && !next.equals(read(null, "New passphrase again: "))) {
            throw HindsightException.invalid("the two new passphrases differ; nothing was changed", "type it twice alike");
        }
        JsonNode changed = client().post("/api/v1/repository/passphrase", Map.of("current", current, "new", next));
        if (output.json()) {
            OutputOption.printJson(out(), changed);
        } else {
            out().println("Passphrase changed: " + changed.path("keyFiles").asText() + " key files re-wrapped in "
                    + changed.path("copies").asText() + " copies; " + changed.path("note").asText() + ".");
            out().flush();
        }
        return ExitCodes.OK;
    }

    private static String read(Path file, String prompt) {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw HindsightException.invalid("cannot read " + file + ": " + e.getMessage(),
                        "check the path and its permissions");
            }
        }
        if (System.console() == null) {
            throw HindsightException.invalid("no terminal to ask for the passphrase on",
                    "give --current-file and --new-file");
        }
        return new String(System.console().readPassword(prompt));
    }
}
