package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notifications of a self-managed GitLab's container registry at {@code /webhooks/gitlab}. GitLab
 * runs CNCF Distribution (its fork) and configures its notifications through
 * {@code registry['notifications']} in {@code gitlab.rb}, so the payload is the Distribution
 * envelope and the sender check is a static header, as for {@link DistributionSource}.
 *
 * <p>Unlike {@code distribution}, this source rejects every delivery until
 * {@code soci-indexer.webhook.sources.gitlab.secret} is set, unless
 * {@code allow-unauthenticated} is true. gitlab.com sends no registry notifications to users.
 */
@Component
public class GitlabSource extends DistributionFormatSource {

  public static final String NAME = "gitlab";

  public GitlabSource(SociIndexerProperties properties, JsonMapper jsonMapper) {
    super(
        NAME,
        SenderCredentials.header(
            NAME, properties.getWebhook().source(NAME), "Authorization", false),
        jsonMapper,
        PushPolicy.from(properties));
  }
}
