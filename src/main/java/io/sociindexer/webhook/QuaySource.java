package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Quay (quay.io and Red Hat Quay) repository notifications of the "Push to Repository" event,
 * sent by a "Webhook POST" notification method, at {@code /webhooks/quay}. The payload names the
 * repository ({@code repository}), the registry (the host of {@code docker_url}) and the pushed
 * tags ({@code updated_tags}: a list, or in older releases an object whose keys are the tags and
 * whose values are image ids, not manifest digests). No digest is sent, so each job names a tag
 * and the worker resolves it. Payloads of other events (builds, vulnerabilities) have no
 * {@code updated_tags} and are ignored.
 *
 * <p>Quay neither signs deliveries nor adds headers, so the secret travels in the notification
 * URL: {@code /webhooks/quay?token=<secret>}, compared with
 * {@code soci-indexer.webhook.sources.quay.secret}. Without a secret every delivery is rejected
 * unless {@code allow-unauthenticated} is true.
 */
@Component
public class QuaySource implements WebhookSource {

  public static final String NAME = "quay";

  private static final String FORMAT = "Quay";

  private final SenderCredentials credentials;
  private final JsonMapper jsonMapper;
  private final PushPolicy pushPolicy;

  public QuaySource(SociIndexerProperties properties, JsonMapper jsonMapper) {
    this.credentials = SenderCredentials.queryToken(NAME, properties.getWebhook().source(NAME));
    this.jsonMapper = jsonMapper;
    this.pushPolicy = PushPolicy.from(properties);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void authenticate(WebhookRequest request) throws WebhookAuthenticationException {
    credentials.check(request);
  }

  @Override
  public SourceMapping map(WebhookRequest request) {
    JsonNode root = JsonPayloads.parseObject(jsonMapper, request.body(), FORMAT);
    String repository = JsonPayloads.text(root, "repository");
    if (repository == null) {
      throw JsonPayloads.missing(FORMAT, "repository");
    }
    JsonNode updatedTags = root.get("updated_tags");
    if (updatedTags == null || !(updatedTags.isArray() || updatedTags.isObject())) {
      IgnoredEvent ignored =
          new IgnoredEvent(repository, "not a repository push: updated_tags is missing");
      return new SourceMapping(List.of(), List.of(ignored));
    }
    String dockerUrl = JsonPayloads.text(root, "docker_url");
    if (dockerUrl == null) {
      throw JsonPayloads.missing(FORMAT, "docker_url");
    }

    String registry = JsonPayloads.host(dockerUrl);
    List<SourceImage> images = new ArrayList<>();
    List<IgnoredEvent> ignored = new ArrayList<>();
    for (String tag : tags(updatedTags)) {
      String event = repository + ":" + tag;
      String reason = pushPolicy.ignoreReason(tag);
      if (reason != null) {
        ignored.add(new IgnoredEvent(event, reason));
        continue;
      }
      try {
        images.add(new SourceImage(event, JsonPayloads.target(registry, repository, tag, null)));
      } catch (IllegalArgumentException e) {
        ignored.add(new IgnoredEvent(event, "invalid event: " + e.getMessage()));
      }
    }
    return new SourceMapping(images, ignored);
  }

  /** Returns the tags of the list form, or the keys of the older object form. */
  private static List<String> tags(JsonNode updatedTags) {
    if (updatedTags.isObject()) {
      return List.copyOf(updatedTags.propertyNames());
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode tag : updatedTags.values()) {
      if (!tag.isString() || tag.stringValue().isBlank()) {
        throw new InvalidNotificationException(
            "invalid Quay notification: updated_tags must contain tag names, found " + tag);
      }
      tags.add(tag.stringValue());
    }
    return tags;
  }
}
