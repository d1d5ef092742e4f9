package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Reference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class ErrorHintsTest {

  private static final ErrorHints HINTS =
      new ErrorHints("127.0.0.1:5055", false, Duration.ofSeconds(10), Duration.ofMillis(2500));

  @Test
  void sslCauseSuggestsPlainHttp() {
    IOException failure =
        new IOException("fetch failed", new SSLException("Unsupported or unrecognized SSL message"));

    assertThat(HINTS.hint(failure)).isEqualTo("the registry may speak plain HTTP: pass --plain-http");
  }

  @Test
  void sslCauseWithPlainHttpHasNoHint() {
    ErrorHints plain = new ErrorHints("127.0.0.1:5055", true, null, null);

    assertThat(plain.hint(new SSLException("handshake"))).isNull();
  }

  @Test
  void connectCauseNamesHostPort() {
    IOException failure = new IOException("outer", new IOException("middle", new ConnectException()));

    assertThat(HINTS.hint(failure)).isEqualTo("is a registry listening on 127.0.0.1:5055?");
  }

  @Test
  void readTimeoutNamesSeconds() {
    assertThat(HINTS.hint(new IOException(new SocketTimeoutException("timeout"))))
        .isEqualTo("no response from 127.0.0.1:5055 within 2.5 s");
  }

  @Test
  void connectTimeoutNamesSeconds() {
    assertThat(HINTS.hint(new SocketTimeoutException("Connect timed out")))
        .isEqualTo("no connection to 127.0.0.1:5055 within 10 s");
  }

  @Test
  void timeoutWithoutClientValues() {
    ErrorHints unknown = new ErrorHints("127.0.0.1:5055", false, null, null);

    assertThat(unknown.hint(new SocketTimeoutException("Read timed out")))
        .isEqualTo("the registry at 127.0.0.1:5055 timed out");
  }

  @Test
  void otherFailureHasNoHint() {
    assertThat(HINTS.hint(new IOException("disk full"))).isNull();
    assertThat(HINTS.withHint("message", new IOException("disk full"))).isEqualTo("message");
  }

  @Test
  void circularCauseChainEnds() {
    IOException first = new IOException("first");
    IOException second = new IOException("second", first);
    first.initCause(second);

    assertThat(HINTS.hint(first)).isNull();
  }

  @Test
  void forRegistryAddsDefaultPort() {
    OkHttpClient http = new OkHttpClient();

    assertThat(ErrorHints.forRegistry(Reference.parse("ghcr.io/org/app:1"), false, http)
            .hint(new ConnectException()))
        .isEqualTo("is a registry listening on ghcr.io:443?");
    assertThat(ErrorHints.forRegistry(Reference.parse("nginx"), false, http)
            .hint(new ConnectException()))
        .isEqualTo("is a registry listening on registry-1.docker.io:443?");
    assertThat(ErrorHints.forRegistry(Reference.parse("localhost/app"), true, http)
            .hint(new ConnectException()))
        .isEqualTo("is a registry listening on localhost:80?");
  }

  @Test
  void closedPortFailsWithHint() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }

    Result result = run("127.0.0.1:" + port + "/app:1", "--plain-http");

    assertThat(result.status).isEqualTo(1);
    assertThat(result.err)
        .contains("failed to connect to 127.0.0.1:" + port)
        .contains("; is a registry listening on 127.0.0.1:" + port + "?")
        .doesNotContain("java.net");
  }

  @Test
  void plainHttpRegistryOverTlsFailsWithHint() throws Exception {
    // A plain-HTTP server replies to the TLS client hello with an HTTP response, which the TLS
    // client rejects at once as an unrecognized SSL message.
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Thread answerer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Socket socket = server.accept()) {
                      socket.getInputStream().read(new byte[512]);
                      socket
                          .getOutputStream()
                          .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
                      socket.getOutputStream().flush();
                    } catch (IOException ignored) {
                      // The client may close first.
                    }
                  });

      Result result = run("127.0.0.1:" + server.getLocalPort() + "/app:1");
      answerer.join(5000);

      assertThat(result.status).isEqualTo(1);
      assertThat(result.err)
          .contains("; the registry may speak plain HTTP: pass --plain-http")
          .doesNotContain("javax.net");
    }
  }

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new IndexCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(List.of(args));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Result(int status, String out, String err) {}
}
