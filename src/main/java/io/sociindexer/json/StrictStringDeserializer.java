package io.sociindexer.json;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Reads a property only from a JSON string. Jackson's default would turn a number or a boolean
 * into text, so {@code {"image": 5}} would name the image "5". Use it with {@code
 * @JsonDeserialize(using = StrictStringDeserializer.class)} on a request field. A JSON null still
 * reads as null, because Jackson does not call a deserializer for null.
 */
public final class StrictStringDeserializer extends StdScalarDeserializer<String> {

  public StrictStringDeserializer() {
    super(String.class);
  }

  /**
   * Returns the string value.
   *
   * @throws MismatchedInputException for any other JSON type, with the token found, so that the
   *     caller can say what the field contained
   */
  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) {
    if (parser.hasToken(JsonToken.VALUE_STRING)) {
      return parser.getString();
    }
    throw MismatchedInputException.from(parser, String.class, "expected a JSON string");
  }
}
