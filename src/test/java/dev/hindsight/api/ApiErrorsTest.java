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

/** How the API answers what goes wrong: a status per kind of error, an RFC 9457 body, and strict request bodies. */
class ApiErrorsTest {
    @ParameterizedTest
    @CsvSource({"INVALID_INPUT, 400", "UNAUTHENTICATED, 401", "FORBIDDEN, 403", "NOT_FOUND, 404", "CONFLICT, 409",
            "UNAVAILABLE, 503", "CORRUPT, 500", "FAILED, 500"})
    void everyKindOfErrorHasItsStatus(HindsightException.Kind kind, int status) {
        assertThat(Problem.of(new HindsightException(kind, "m", "h")).status()).isEqualTo(status);
    }

    @Test
    void everyKindIsMappedToAnErrorStatusATypeAndATitle() {
        for (HindsightException.Kind kind : HindsightException.Kind.values()) {
            Problem p = Problem.of(kind, "m", "h");
            assertThat(p.status()).as(kind.name()).isBetween(400, 599);
            assertThat(p.type()).as(kind.name()).startsWith("https://").doesNotContain("_").doesNotEndWith("/");
            assertThat(p.title()).as(kind.name()).isNotBlank();
        }
    }

    @Test
    void theProblemCarriesWhatWentWrongAndTheHint() {
        Problem p = Problem.of(HindsightException.notFound("no server named x", "list servers"));
        assertThat(p.type()).endsWith("/not-found");
        assertThat(p.detail()).isEqualTo("no server named x");
        assertThat(p.hint()).isEqualTo("list servers");
        assertThat(p.kind()).isEqualTo("NOT_FOUND");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "not json", "{\"name\": }", "{\"name\": \"a\"} trailing"})
    void malformedJsonSaysWhere(String body) {
        assertThatThrownBy(() -> RequestBodies.parse(body, CreateRequest.class))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).startsWith("malformed JSON in the request body at line ")
                            .doesNotContain("\n");
                    assertThat(e.hint()).contains("JSON object");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "[1, 2]", "7", "\"text\""})
    void aBodyThatIsNotAnObjectIsRefused(String body) {
        assertThatThrownBy(() -> RequestBodies.parse(body, CreateRequest.class))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                    assertThat(e.hint()).contains("JSON object");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\": \"a\", \"port\": \"eighty\"}|port",
            "{\"name\": \"a\", \"port\": \"5433\"}|port",
            "{\"name\": \"a\", \"port\": 5433.5}|port",
            "{\"name\": 7}|name",
            "{\"name\": \"a\", \"backupRetentionDays\": true}|backupRetentionDays"})
    void aValueOfTheWrongTypeNamesTheField(String body, String field) {
        assertThatThrownBy(() -> RequestBodies.parse(body, CreateRequest.class))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("'" + field + "'");
                    assertThat(e.hint()).startsWith("send ");
                });
    }

    @Test
    void anUnknownFieldIsRefusedAndTheKnownOnesListed() {
        assertThatThrownBy(() -> RequestBodies.parse("{\"name\": \"prod\", \"retension\": 7}", CreateRequest.class))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("'retension'");
                    assertThat(e.hint()).contains("name").contains("port");
                });
    }

    @Test
    void aWellFormedBodyParses() {
        CreateRequest r = RequestBodies.parse("{\"name\": \"prod\", \"port\": 5433}", CreateRequest.class);
        assertThat(r.name()).isEqualTo("prod");
        assertThat(r.port()).isEqualTo(5433);
        assertThat(RequestBodies.parse("{\"name\": \"copy\", \"sourceServer\": \"prod\", \"latest\": true}",
                RestoreRequestBody.class).latest()).isTrue();
    }
}
