package io.sociindexer.api;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders the errors of every controller as RFC 9457 problem details
 * ({@code application/problem+json}): the errors the job API and the webhook endpoints raise,
 * Spring MVC's own (malformed JSON, wrong content type, unknown path, unsupported method) and
 * unexpected failures, which become a 500 without internal detail and are logged once with the
 * exception. It applies to all controllers because errors found before a controller is chosen,
 * such as a 415, have no controller to scope by.
 *
 * <p>Every problem has the fields type, title, status, detail and instance, like those that
 * {@link FilterProblems} writes for 401 and 413. The type is {@code about:blank}, because the
 * service defines no problem types of its own.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  private static final URI BLANK_TYPE = URI.create("about:blank");

  private static final Set<Class<?>> WHOLE_NUMBER_TYPES =
      Set.of(int.class, Integer.class, long.class, Long.class);

  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
    String detail =
        "invalid " + name + " '" + ex.getValue() + "': expected " + expected(ex.getRequiredType());
    ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
  }

  /** Returns the parameter type in words, such as "a whole number" for an int. */
  private static String expected(Class<?> type) {
    if (type == UUID.class) {
      return "a UUID";
    }
    if (WHOLE_NUMBER_TYPES.contains(type)) {
      return "a whole number";
    }
    return type == null ? "another type" : type.getSimpleName();
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, UnreadableBodyDetail.of(ex));
    return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE, unsupportedContentType(ex, request));
    return handleExceptionInternal(ex, body, headers, HttpStatus.UNSUPPORTED_MEDIA_TYPE, request);
  }

  /**
   * Returns a detail that names the accepted types and the Content-Type sent, if any. A header
   * that does not parse reaches here too, with no parsed type in the exception.
   */
  private static String unsupportedContentType(
      HttpMediaTypeNotSupportedException ex, WebRequest request) {
    List<MediaType> supported = ex.getSupportedMediaTypes();
    String expected =
        supported.isEmpty()
            ? MediaType.APPLICATION_JSON_VALUE
            : supported.stream().map(MediaType::toString).collect(Collectors.joining(" or "));
    String header = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (header == null || header.isBlank()) {
      return "missing Content-Type: expected " + expected;
    }
    String problem = ex.getContentType() == null ? "invalid" : "unsupported";
    return problem + " Content-Type '" + header + "': expected " + expected;
  }

  /** Gives every problem the type {@code about:blank}, which Spring leaves out. */
  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
    if (body instanceof ProblemDetail problem) {
      withBlankType(problem);
    }
    return super.createResponseEntity(body, headers, statusCode, request);
  }

  private static ProblemDetail withBlankType(ProblemDetail problem) {
    if (problem.getType() == null) {
      problem.setType(BLANK_TYPE);
    }
    return problem;
  }

  /** Turns a failure no handler expected, such as an unreachable job database, into a 500. */
  @ExceptionHandler(Exception.class)
  public ResponseEntity<ProblemDetail> handleUnexpected(Exception ex, WebRequest request) {
    log.error("request failed request={}", request.getDescription(false), ex);
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "the request failed on the server; the service log has the cause");
    return ResponseEntity.internalServerError().body(withBlankType(body));
  }
}
