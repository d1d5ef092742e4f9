package io.sociindexer.api;

import io.sociindexer.config.ApiProperties;
import io.sociindexer.config.SociIndexerProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rejects request bodies above their limit with 413 before anything else reads them: {@code
 * soci-indexer.webhook.max-body-size} under {@code /webhooks/}, {@code
 * soci-indexer.api.max-body-size} everywhere else. A declared Content-Length above the limit is
 * rejected without reading a byte. Outside the webhooks, a body of unknown length (chunked) is
 * read up to the limit plus one byte, then rejected or handed on from memory, so at most the limit
 * is ever buffered. Webhook bodies of unknown length are left to {@code WebhookController}, which
 * reads them with the same bound.
 *
 * <p>Tomcat then reads and discards up to {@code server.tomcat.max-swallow-size} of an unread
 * body to keep the connection open, and closes the connection when the body is larger.
 */
@Component
public class RequestBodyLimitFilter extends OncePerRequestFilter implements Ordered {

  /** Before {@link ApiAuthenticationFilter} and Spring's own filters that may read the body. */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  private final long apiLimit;
  private final long webhookLimit;

  public RequestBodyLimitFilter(ApiProperties api, SociIndexerProperties properties) {
    this.apiLimit = api.getMaxBodySize().toBytes();
    this.webhookLimit = properties.getWebhook().getMaxBodySize().toBytes();
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean webhook = ApiAuthenticationFilter.path(request).startsWith("/webhooks/");
    long limit = webhook ? webhookLimit : apiLimit;
    String setting = webhook ? "soci-indexer.webhook.max-body-size" : "soci-indexer.api.max-body-size";

    long declared = request.getContentLengthLong();
    if (declared > limit) {
      tooLarge(request, response, declared + " bytes", limit, setting);
      return;
    }
    if (webhook || !hasBody(request, declared)) {
      chain.doFilter(request, response);
      return;
    }

    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
    }
    if (body.length > limit) {
      tooLarge(request, response, "more than " + limit + " bytes", limit, setting);
      return;
    }
    chain.doFilter(new BufferedBodyRequest(request, body), response);
  }

  private static boolean hasBody(HttpServletRequest request, long declared) {
    return declared > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  private static void tooLarge(
      HttpServletRequest request,
      HttpServletResponse response,
      String size,
      long limit,
      String setting)
      throws IOException {
    FilterProblems.write(
        request,
        response,
        HttpStatus.CONTENT_TOO_LARGE,
        "request body of " + size + " exceeds " + setting + " (" + limit + " bytes);"
            + " send a smaller body, or raise the limit if such requests are expected");
  }

  /** A request whose body has been read into memory already. */
  private static final class BufferedBodyRequest extends HttpServletRequestWrapper {

    private final byte[] body;

    BufferedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
          return in.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already in memory; read it directly");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
