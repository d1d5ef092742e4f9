package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * CNCF Distribution ({@code registry:2}, {@code registry:3}) notifications at
 * {@code /webhooks/distribution}. The registry sends static headers from its notifications
 * configuration, so the check compares header {@code soci-indexer.webhook.sources.distribution.header}
 * (default {@code Authorization}) with the configured {@code secret}, such as {@code Bearer <token>}.
 *
 * <p>With no secret configured the source accepts unauthenticated deliveries, as releases before
 * sender authentication did, and logs one WARN at startup saying so.
 */
@Component
public class DistributionSource extends DistributionFormatSource {

  public static final String NAME = "distribution";

  public DistributionSource(SociIndexerProperties properties, JsonMapper jsonMapper) {
    super(
        NAME,
        SenderCredentials.header(
            NAME, properties.getWebhook().source(NAME), "Authorization", true),
        jsonMapper,
        PushPolicy.from(properties));
  }
}
