package io.sociindexer.api;

import io.sociindexer.json.JsonReadErrors;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Collection;
import java.util.List;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Builds the detail of the 400 for a request body that cannot be read as the JSON of its
 * endpoint. It distinguishes broken syntax (with line and column), a body that is not a JSON
 * object, and a field of the wrong JSON type. The example body comes from the {@link Schema}
 * annotation of the request type, the one the OpenAPI description shows.
 */
final class UnreadableBodyDetail {

  private UnreadableBodyDetail() {}

  static String of(HttpMessageNotReadableException ex) {
    if (!(ex.getMostSpecificCause() instanceof JacksonException json)) {
      return "the request body could not be read";
    }
    if (json instanceof MismatchedInputException mismatch) {
      return mismatch.getPath().isEmpty() ? notAnObject(mismatch) : wrongFieldType(mismatch);
    }
    return "malformed JSON request body: " + JsonReadErrors.describe(json);
  }

  private static String notAnObject(MismatchedInputException mismatch) {
    String example = example(mismatch.getTargetType());
    String detail = "the request body must be a JSON object";
    if (example != null) {
      detail += " such as " + example;
    }
    return detail + received(mismatch.getCurrentToken());
  }

  private static String wrongFieldType(MismatchedInputException mismatch) {
    List<JacksonException.Reference> path = mismatch.getPath();
    String detail =
        "\"" + fieldPath(path) + "\" must be " + expected(mismatch.getTargetType())
            + received(mismatch.getCurrentToken());
    String example = example(bodyType(path.getFirst()));
    return example == null ? detail : detail + ", as in " + example;
  }

  /** Returns the type whose property the first step of a path names, or null. */
  private static Class<?> bodyType(JacksonException.Reference step) {
    Object from = step.from();
    if (from instanceof Class<?> type) {
      return type;
    }
    return from == null ? null : from.getClass();
  }

  /** Returns a path such as {@code image} or {@code events[0].target}. */
  private static String fieldPath(List<JacksonException.Reference> path) {
    StringBuilder text = new StringBuilder();
    for (JacksonException.Reference step : path) {
      if (step.getPropertyName() != null) {
        text.append(text.isEmpty() ? "" : ".").append(step.getPropertyName());
      } else if (step.getIndex() >= 0) {
        text.append('[').append(step.getIndex()).append(']');
      }
    }
    return text.toString();
  }

  /** Returns the example body of the request type's {@link Schema} annotation, or null. */
  private static String example(Class<?> bodyType) {
    Schema schema = bodyType == null ? null : bodyType.getAnnotation(Schema.class);
    return schema == null || schema.example().isBlank() ? null : schema.example();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another JSON type";
    }
    if (type == String.class || type.isEnum()) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  /** Returns ", not a number" and the like for the JSON token that was found, or "". */
  private static String received(JsonToken token) {
    if (token == null) {
      return "";
    }
    String found =
        switch (token) {
          case VALUE_STRING -> "a string";
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
          case VALUE_TRUE, VALUE_FALSE -> "a boolean";
          case VALUE_NULL -> "null";
          case START_OBJECT, END_OBJECT, PROPERTY_NAME -> "an object";
          case START_ARRAY, END_ARRAY -> "an array";
          default -> null;
        };
    return found == null ? "" : ", not " + found;
  }
}
