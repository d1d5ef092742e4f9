package io.sociindexer.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;

/**
 * Describes why a JSON text could not be read, in words for the client or registry that sent it:
 * what broke and at which line and column. Jackson's own messages name Java types, parser features and a redacted
 * source, which mean nothing to a client or a registry administrator.
 */
public final class JsonReadErrors {

  private JsonReadErrors() {}

  /**
   * Returns a short description such as "the JSON ends early at line 1, column 12", without the
   * input text. A description names the position whenever the parser reports one.
   */
  public static String describe(JacksonException e) {
    String position = position(e.getLocation());
    return switch (e) {
      case UnexpectedEndOfInputException _ -> "the JSON ends early" + position;
      case InputCoercionException _ -> "a number is out of range" + position;
      case StreamReadException _ -> "invalid JSON syntax" + position;
      case StreamConstraintsException _ ->
          "the JSON exceeds a parser limit on nesting depth or on the length of a document,"
              + " number, string or property name";
      default -> "the JSON could not be read" + position;
    };
  }

  private static String position(TokenStreamLocation location) {
    if (location == null || location.getLineNr() < 1 || location.getColumnNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
