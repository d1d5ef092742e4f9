package io.sociindexer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer on 127.0.0.1 that expects an exact sequence of requests. Each step names the
 * method and request target (path and query) and may check headers and body; an unexpected
 * request gets a 500 and is reported by {@link #assertDone()}.
 */
final class ScriptedRegistry implements AutoCloseable {

  private final MockWebServer server = new MockWebServer();
  private final Deque<Step> steps = new ArrayDeque<>();
  private final List<String> problems = new ArrayList<>();
  private final List<RecordedRequest> requests = new ArrayList<>();

  private record Step(String method, String target, Consumer<RecordedRequest> check, MockResponse response) {}

  ScriptedRegistry() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  /** Returns {@code 127.0.0.1:<port>}. */
  String hostPort() {
    return "127.0.0.1:" + server.getPort();
  }

  String baseUrl() {
    return "http://" + hostPort();
  }

  ScriptedRegistry expect(String method, String target, MockResponse response) {
    return expect(method, target, request -> {}, response);
  }

  synchronized ScriptedRegistry expect(
      String method, String target, Consumer<RecordedRequest> check, MockResponse response) {
    steps.add(new Step(method, target, check, response));
    return this;
  }

  synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  synchronized RecordedRequest request(int index) {
    return requests.get(index);
  }

  /** Fails when a request was unexpected, a check failed, or a step was not used. */
  synchronized void assertDone() {
    assertThat(problems).as("problems seen by the scripted registry").isEmpty();
    assertThat(steps).as("expected requests that never arrived").isEmpty();
  }

  private synchronized MockResponse handle(RecordedRequest request) {
    requests.add(request);
    Step step = steps.poll();
    if (step == null) {
      return problem("unexpected request " + request.getMethod() + " " + request.getTarget());
    }
    if (!step.method().equals(request.getMethod()) || !step.target().equals(request.getTarget())) {
      return problem("expected " + step.method() + " " + step.target() + " but got "
          + request.getMethod() + " " + request.getTarget());
    }
    try {
      step.check().accept(request);
    } catch (AssertionError e) {
      return problem(step.method() + " " + step.target() + ": " + e.getMessage());
    }
    return step.response();
  }

  private MockResponse problem(String text) {
    problems.add(text);
    return new MockResponse.Builder().code(500).body("scripted registry: " + text).build();
  }

  static MockResponse.Builder response(int code) {
    return new MockResponse.Builder().code(code);
  }

  @Override
  public void close() {
    server.close();
  }
}
