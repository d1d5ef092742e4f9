package io.sociindexer.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem details from servlet filters, which run before Spring MVC and so cannot
 * throw the {@code ErrorResponseException} that {@link ApiExceptionHandler} renders. The fields
 * match those of the controllers' problems: type, title, status, detail and instance. The body
 * is UTF-8, as JSON requires, so the content type carries no charset.
 */
final class FilterProblems {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private FilterProblems() {}

  static void write(
      HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", status.getReasonPhrase());
    problem.put("status", status.value());
    problem.put("detail", detail);
    problem.put("instance", request.getRequestURI());

    byte[] body = JSON.writeValueAsBytes(problem);
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    // Sends the reply now, before Tomcat reads and discards any unread request body.
    response.flushBuffer();
  }
}
