package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rotate", description = "Make a new data key: every object written from now on is sealed with it, "
        + "objects already written keep theirs and stay readable (repository verify says how many each key seals). "
        + "The new key is wrapped by the repository's passphrase, in a file of its own in every copy.")
final class RepositoryKeyRotateCommand extends DaemonCommand {
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode rotation = client().post("/api/v1/repository/keys", null);
        if (output.json()) {
            OutputOption.printJson(out(), rotation);
        } else {
            out().println("New data key " + rotation.path("keyId").asText() + ": new objects are sealed with it; "
                    + rotation.path("keys").size() + " keys in the repository.");
            out().flush();
        }
        return ExitCodes.OK;
    }
}
