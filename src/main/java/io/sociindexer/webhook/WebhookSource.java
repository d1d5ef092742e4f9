package io.sociindexer.webhook;

import io.sociindexer.job.ImageTarget;
import java.util.List;

/**
 * One kind of registry notification, served at {@code /webhooks/{name}}: how the sender proves who
 * it is and how its payload maps to images. Implementations are Spring beans and thread-safe; the
 * webhook controller finds them by {@link #name()}.
 */
public interface WebhookSource {

  /** The path segment after {@code /webhooks/}, such as {@code distribution} or {@code harbor}. */
  String name();

  /**
   * Checks the sender's credentials (shared secret header, HMAC signature over the raw body, basic
   * auth or a signed token) as the source does it.
   *
   * @throws WebhookAuthenticationException when they are missing or wrong; the reply is 401
   */
  void authenticate(WebhookRequest request) throws WebhookAuthenticationException;

  /**
   * Maps the payload to the images to index, and lists each event left out with its reason
   * (pulls, deletes, blobs, non-image artifacts, the service's own output...).
   *
   * @throws InvalidNotificationException when the payload is malformed; the reply is 400
   */
  SourceMapping map(WebhookRequest request) throws InvalidNotificationException;

  /** The images a notification names, and the events left out. */
  record SourceMapping(List<SourceImage> images, List<IgnoredEvent> ignored) {

    public SourceMapping {
      images = List.copyOf(images);
      ignored = List.copyOf(ignored);
    }
  }

  /**
   * One image to index. {@code digest} may be null for sources that send only a tag (Docker Hub,
   * Quay); the worker resolves it.
   *
   * @param event the event id in the payload, for the reply and logs
   */
  record SourceImage(String event, ImageTarget target) {}
}
