package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor webhook notifications at {@code /webhooks/harbor}, in either payload format of a Harbor
 * webhook policy: "Default" ({@code type: PUSH_ARTIFACT}, data in {@code event_data}) and, since
 * Harbor 2.8, "CloudEvents" ({@code specversion}, {@code type: harbor.artifact.pushed}, data in
 * {@code data}). Only artifact pushes start jobs; pulls, deletes, scans, quota and replication
 * events are ignored with their type.
 *
 * <p>Each entry of {@code resources} is one artifact: the repository is
 * {@code repository.repo_full_name}, the registry the host part of {@code resource_url}, and the
 * digest {@code digest}. For a push by digest Harbor puts the digest in {@code tag}, so such a
 * tag counts as none. The payload carries no media type, so Helm charts and other OCI artifacts
 * also become jobs. The worker then reads their manifests and skips the blobs that are not image
 * layers.
 *
 * <p>Harbor copies the policy's "Auth Header" value verbatim into the {@code Authorization}
 * header and signs nothing. The check compares that header with
 * {@code soci-indexer.webhook.sources.harbor.secret}; without a secret every delivery is rejected
 * unless {@code allow-unauthenticated} is true.
 */
@Component
public class HarborSource implements WebhookSource {

  public static final String NAME = "harbor";

  private static final String FORMAT = "Harbor";
  private static final String DEFAULT_PUSH = "PUSH_ARTIFACT";
  private static final String CLOUDEVENTS_PUSH = "harbor.artifact.pushed";

  private final SenderCredentials credentials;
  private final JsonMapper jsonMapper;
  private final PushPolicy pushPolicy;

  public HarborSource(SociIndexerProperties properties, JsonMapper jsonMapper) {
    this.credentials =
        SenderCredentials.header(NAME, properties.getWebhook().source(NAME), "Authorization", false);
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
    boolean cloudEvents = root.has("specversion");
    String type = JsonPayloads.text(root, "type");
    if (type == null) {
      throw JsonPayloads.missing(FORMAT, "type");
    }

    String event = cloudEvents && JsonPayloads.text(root, "id") != null
        ? JsonPayloads.text(root, "id")
        : type;
    String pushType = cloudEvents ? CLOUDEVENTS_PUSH : DEFAULT_PUSH;
    if (!type.equals(pushType)) {
      IgnoredEvent ignored = new IgnoredEvent(event, "not an artifact push: type is " + type);
      return new SourceMapping(List.of(), List.of(ignored));
    }

    String dataField = cloudEvents ? "data" : "event_data";
    JsonNode data = JsonPayloads.object(root, dataField);
    if (data == null) {
      throw JsonPayloads.missing(FORMAT, dataField);
    }
    return mapResources(data, dataField);
  }

  private SourceMapping mapResources(JsonNode data, String dataField) {
    String repository = JsonPayloads.text(JsonPayloads.object(data, "repository"), "repo_full_name");
    if (repository == null) {
      throw JsonPayloads.missing(FORMAT, dataField + ".repository.repo_full_name");
    }
    JsonNode resources = data.get("resources");
    if (resources == null || !resources.isArray()) {
      throw JsonPayloads.missing(FORMAT, dataField + ".resources");
    }

    List<SourceImage> images = new ArrayList<>();
    List<IgnoredEvent> ignored = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      String position = dataField + ".resources[" + i + "]";
      JsonNode resource = resources.get(i);
      String digest = JsonPayloads.text(resource, "digest");
      String url = JsonPayloads.text(resource, "resource_url");
      if (digest == null) {
        throw JsonPayloads.missing(FORMAT, position + ".digest");
      }
      if (url == null) {
        throw JsonPayloads.missing(FORMAT, position + ".resource_url");
      }

      String tag = JsonPayloads.text(resource, "tag");
      tag = JsonPayloads.isDigest(tag) ? null : tag;
      String reason = pushPolicy.ignoreReason(tag);
      if (reason != null) {
        ignored.add(new IgnoredEvent(position, reason));
        continue;
      }

      try {
        images.add(
            new SourceImage(
                position, JsonPayloads.target(JsonPayloads.host(url), repository, tag, digest)));
      } catch (IllegalArgumentException e) {
        ignored.add(new IgnoredEvent(position, "invalid event: " + e.getMessage()));
      }
    }
    return new SourceMapping(images, ignored);
  }
}
