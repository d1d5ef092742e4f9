package io.sociindexer.oci;

/**
 * Thrown when manifest, index or descriptor JSON is not valid JSON, has a field of the wrong
 * type, or lacks a field the OCI image spec requires. The message names the field.
 */
public class ManifestFormatException extends IllegalArgumentException {

  public ManifestFormatException(String message) {
    super(message);
  }

  public ManifestFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
