package dev.hindsight.api;

import dev.hindsight.control.CreateRequest;
import dev.hindsight.control.RestoreRequestBody;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the API answers what goes wrong: an HTTP status per kind of error, and a body that says what and why. */
class ApiErrorsTest {
    @ParameterizedTest
    @CsvSource({"INVALID_INPUT, 400", "NOT_FOUND, 404", "CONFLICT, 409", "UNAVAILABLE, 503", "CORRUPT, 500",
            "FAILED, 500"})
    void everyKindOfErrorHasItsStatus(HindsightException.Kind kind, int status) {
        assertThat(ApiServer.statusOf(new HindsightException(kind, "m", "h"))).isEqualTo(status);
    }

    @Test
    void everyKindIsMapped() {
        for (HindsightException.Kind kind : HindsightException.Kind.values()) {
            assertThat(ApiServer.statusOf(new HindsightException(kind, "m", "h"))).as(kind.name())
                    .isBetween(400, 599);
        }
    }

    @Test
    void theErrorBodySaysWhatWhyAndWhichKindInThatOrder() {
        assertThat(ApiServer.errorBody("no server named x", "list servers", "NOT_FOUND"))
                .containsExactly(java.util.Map.entry("error", "no server named x"),
                        java.util.Map.entry("hint", "list servers"), java.util.Map.entry("kind", "NOT_FOUND"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "not json", "{\"name\": }", "[1, 2]", "{\"port\": \"eighty\"}"})
    void aMalformedBodyIsInvalidInputWithTheParsersFirstLineAndAHint(String body) {
        assertThatThrownBy(() -> ApiServer.parse(body, CreateRequest.class))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).startsWith("malformed request body: ").doesNotContain("\n");
                    assertThat(e.hint()).contains("JSON object");
                });
    }

    @Test
    void aWellFormedBodyParsesAndUnknownFieldsAreIgnored() {
        CreateRequest r = ApiServer.parse("{\"name\": \"prod\", \"port\": 5433, \"future\": true}", CreateRequest.class);
        assertThat(r.name()).isEqualTo("prod");
        assertThat(r.port()).isEqualTo(5433);
        assertThat(ApiServer.parse("{\"name\": \"copy\", \"sourceServer\": \"prod\", \"latest\": true}",
                RestoreRequestBody.class).latest()).isTrue();
    }
}
