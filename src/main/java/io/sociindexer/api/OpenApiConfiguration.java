package io.sociindexer.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Names the service in the OpenAPI description served at {@code /v3/api-docs}. */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

  @Bean
  OpenAPI sociIndexerOpenApi() {
    String version = OpenApiConfiguration.class.getPackage().getImplementationVersion();
    return new OpenAPI()
        .info(
            new Info()
                .title("soci-indexer API")
                .description(
                    "Registry webhooks in, SOCI indexing jobs out: queue, inspect, retry and"
                        + " cancel jobs, and backfill repositories.")
                .version(version != null ? version : "dev"));
  }
}
