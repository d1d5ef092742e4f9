package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.oci.MediaType;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Azure Container Registry webhooks at {@code /webhooks/acr}. Each delivery is one event with an
 * {@code action}: {@code push} starts a job for {@code target.repository}, {@code target.tag}
 * and {@code target.digest} on the registry {@code request.host}. The test delivery
 * ({@code ping}, sent by {@code az acr webhook ping}) stores nothing and gets 200, and
 * {@code delete}, {@code quarantine}, {@code chart_push} and {@code chart_delete} are ignored. A
 * push whose {@code target.mediaType} is not an image manifest or index is ignored too.
 *
 * <p>ACR signs nothing and adds only the custom headers of the webhook ({@code --headers}), so
 * the check compares header {@code soci-indexer.webhook.sources.acr.header} (default
 * {@code Authorization}) with {@code soci-indexer.webhook.sources.acr.secret}. Without a secret
 * every delivery is rejected unless {@code allow-unauthenticated} is true.
 */
@Component
public class AcrSource implements WebhookSource {

  public static final String NAME = "acr";

  private static final String FORMAT = "Azure Container Registry";

  private final SenderCredentials credentials;
  private final JsonMapper jsonMapper;
  private final PushPolicy pushPolicy;

  public AcrSource(SociIndexerProperties properties, JsonMapper jsonMapper) {
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
    String action = JsonPayloads.text(root, "action");
    if (action == null) {
      throw JsonPayloads.missing(FORMAT, "action");
    }
    String id = JsonPayloads.text(root, "id");
    String event = id == null ? "event" : id;

    if (action.equals("ping")) {
      return ignore(event, "test delivery: action is ping");
    }
    if (!action.equals("push")) {
      return ignore(event, "not an image push: action is " + action);
    }
    return mapPush(root, event);
  }

  private SourceMapping mapPush(JsonNode root, String event) {
    JsonNode target = JsonPayloads.object(root, "target");
    String repository = JsonPayloads.text(target, "repository");
    String digest = JsonPayloads.text(target, "digest");
    String host = JsonPayloads.text(JsonPayloads.object(root, "request"), "host");
    if (repository == null) {
      throw JsonPayloads.missing(FORMAT, "target.repository");
    }
    if (digest == null) {
      throw JsonPayloads.missing(FORMAT, "target.digest");
    }
    if (host == null) {
      throw JsonPayloads.missing(FORMAT, "request.host");
    }

    String mediaType = JsonPayloads.text(target, "mediaType");
    if (mediaType != null && !MediaType.of(mediaType).isManifestOrIndex()) {
      return ignore(event, "not an image manifest or index: media type is " + mediaType);
    }
    String tag = JsonPayloads.text(target, "tag");
    String reason = pushPolicy.ignoreReason(tag);
    if (reason != null) {
      return ignore(event, reason);
    }

    try {
      SourceImage image =
          new SourceImage(event, JsonPayloads.target(host, repository, tag, digest));
      return new SourceMapping(List.of(image), List.of());
    } catch (IllegalArgumentException e) {
      return ignore(event, "invalid event: " + e.getMessage());
    }
  }

  private static SourceMapping ignore(String event, String reason) {
    return new SourceMapping(List.of(), List.of(new IgnoredEvent(event, reason)));
  }
}
