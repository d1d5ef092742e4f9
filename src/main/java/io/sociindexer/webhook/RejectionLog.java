package io.sociindexer.webhook;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs deliveries rejected for their credentials. Each source gets at most one WARN per minute,
 * which counts the rejections logged only at DEBUG since the previous WARN, so that a sender with
 * a wrong secret or a scan cannot flood the log. Messages never contain a secret.
 *
 * <p>Thread-safe.
 */
final class RejectionLog {

  private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
  private static final long INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  void record(String source, String remoteAddress, String reason) {
    Window window = windows.computeIfAbsent(source, key -> new Window());
    long now = System.nanoTime();
    long last = window.lastWarn.get();
    boolean due = last == Long.MIN_VALUE || now - last >= INTERVAL_NANOS;

    if (due && window.lastWarn.compareAndSet(last, now)) {
      long suppressed = window.suppressed.getAndSet(0);
      log.warn(
          "webhook delivery rejected source={} remote={} reason={} suppressed.since.last={}",
          source,
          remoteAddress,
          reason,
          suppressed);
    } else {
      window.suppressed.incrementAndGet();
      log.debug(
          "webhook delivery rejected source={} remote={} reason={}", source, remoteAddress, reason);
    }
  }

  private static final class Window {
    final AtomicLong lastWarn = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }
}
