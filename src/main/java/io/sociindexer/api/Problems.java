package io.sociindexer.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Builds the RFC 9457 problem responses of the API; Spring MVC renders them as JSON. */
final class Problems {

  private Problems() {}

  static ErrorResponseException badRequest(String detail) {
    return of(HttpStatus.BAD_REQUEST, detail);
  }

  static ErrorResponseException notFound(String detail) {
    return of(HttpStatus.NOT_FOUND, detail);
  }

  static ErrorResponseException conflict(String detail) {
    return of(HttpStatus.CONFLICT, detail);
  }

  static ErrorResponseException forbidden(String detail) {
    return of(HttpStatus.FORBIDDEN, detail);
  }

  static ErrorResponseException unprocessable(String detail) {
    return of(HttpStatus.UNPROCESSABLE_CONTENT, detail);
  }

  private static ErrorResponseException of(HttpStatus status, String detail) {
    return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
  }
}
