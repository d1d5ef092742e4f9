package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.oci.Reference;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker Hub repository webhooks at {@code /webhooks/dockerhub}. Docker Hub sends one payload per
 * push, with no event type and no digest: {@code repository.repo_name} and
 * {@code push_data.tag}. The job names the tag on {@code docker.io} and the worker resolves the
 * digest, so a tag that moves again before then is indexed at its newer digest. A
 * one-component {@code repo_name} gets the {@code library/} prefix, as Docker does for official
 * images.
 *
 * <p>Docker Hub neither signs deliveries nor lets a webhook add headers, so the secret travels in
 * the webhook URL: {@code /webhooks/dockerhub?token=<secret>}, compared with
 * {@code soci-indexer.webhook.sources.dockerhub.secret}. Without a secret every delivery is
 * rejected unless {@code allow-unauthenticated} is true.
 */
@Component
public class DockerHubSource implements WebhookSource {

  public static final String NAME = "dockerhub";

  private static final String FORMAT = "Docker Hub";

  private final SenderCredentials credentials;
  private final JsonMapper jsonMapper;
  private final PushPolicy pushPolicy;

  public DockerHubSource(SociIndexerProperties properties, JsonMapper jsonMapper) {
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
    String repoName = JsonPayloads.text(JsonPayloads.object(root, "repository"), "repo_name");
    if (repoName == null) {
      throw JsonPayloads.missing(FORMAT, "repository.repo_name");
    }
    String repository = repoName.contains("/") ? repoName : "library/" + repoName;

    String tag = JsonPayloads.text(JsonPayloads.object(root, "push_data"), "tag");
    if (tag == null) {
      IgnoredEvent ignored =
          new IgnoredEvent(repository, "no pushed tag: push_data.tag is missing");
      return new SourceMapping(List.of(), List.of(ignored));
    }

    String event = repository + ":" + tag;
    String reason = pushPolicy.ignoreReason(tag);
    if (reason != null) {
      return new SourceMapping(List.of(), List.of(new IgnoredEvent(event, reason)));
    }
    try {
      SourceImage image =
          new SourceImage(event, JsonPayloads.target(Reference.DOCKER_HUB, repository, tag, null));
      return new SourceMapping(List.of(image), List.of());
    } catch (IllegalArgumentException e) {
      IgnoredEvent ignored = new IgnoredEvent(event, "invalid event: " + e.getMessage());
      return new SourceMapping(List.of(), List.of(ignored));
    }
  }
}
