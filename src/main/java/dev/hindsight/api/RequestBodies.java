package dev.hindsight.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.hindsight.util.HindsightException;

import java.util.stream.Collectors;

/**
 * Reads request bodies strictly: an unknown field, a value of the wrong type ("7" for a number, 7.5
 * for a whole number, 7 for a string) or malformed JSON is refused with what was wrong and where,
 * so that a typo never silently falls back to a default.
 */
final class RequestBodies {
    private static final ObjectMapper STRICT = strict();

    private RequestBodies() {
    }

    private static ObjectMapper strict() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer || type == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, type == LogicalType.Float ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, type == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, type == LogicalType.Textual
                            ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        return mapper;
    }

    /** A request body as the type it should be; anything else is an INVALID_INPUT error that says what is wrong. */
    static <T> T parse(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw HindsightException.invalid("the request has no body", "send a JSON object with the documented fields"
                    + " (see /api/v1/openapi.json)");
        }
        try {
            T value = STRICT.readValue(body, type);
            if (value == null) {
                throw HindsightException.invalid("the request body is null", "send a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            throw HindsightException.invalid("unknown field '" + e.getPropertyName() + "' in the request body",
                    "the fields this request takes are: " + known);
        } catch (InvalidFormatException e) {
            throw HindsightException.invalid("field '" + path(e) + "' has the value " + quoted(e.getValue())
                            + ", which is not " + article(e.getTargetType()),
                    "send " + article(e.getTargetType()) + " there");
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty()) {
                throw HindsightException.invalid("the request body is not a JSON object",
                        "send a JSON object with the documented fields");
            }
            throw HindsightException.invalid("field '" + path(e) + "' has a value of the wrong type",
                    "send " + article(e.getTargetType()) + " there");
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw HindsightException.invalid("malformed JSON in the request body"
                            + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                            + ": " + e.getOriginalMessage().lines().findFirst().orElse(""),
                    "send a JSON object with the documented fields");
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String quoted(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String article(Class<?> type) {
        if (type == null) {
            return "a value of the documented type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 date-time with a zone, e.g. 2026-12-01T10:00:00Z";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        return "a value of the documented type";
    }
}
