package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.api.TestHttp;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobEnqueuedEvent;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

/** Checks that a stored webhook job wakes the workers with a {@link JobEnqueuedEvent}. */
@IntakeServiceTest
@Import(WebhookWakeUpTest.Listener.class)
class WebhookWakeUpTest {

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;
  @Autowired Events events;

  /** Records the events that a worker pool would receive, with the thread they arrive on. */
  static final class Events {
    final List<String> threads = new CopyOnWriteArrayList<>();

    @EventListener
    void onJobEnqueued(JobEnqueuedEvent event) {
      threads.add(Thread.currentThread().getName());
    }
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Listener {
    @Bean
    Events events() {
      return new Events();
    }
  }

  @Test
  void storedJobPublishesEventOffRequestThread() throws Exception {
    store.clear();

    HttpResponse<String> response =
        new TestHttp(port)
            .post(
                DistributionWebhookControllerTest.PATH,
                DistributionWebhookControllerTest.EVENTS_V2,
                DistributionWebhookControllerTest.fixture());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(store.all()).extracting(Job::source).contains("distribution");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (events.threads.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(events.threads).isNotEmpty();
    assertThat(events.threads).allMatch(name -> name.equals("soci-webhook-wakeup"));
  }
}
