package io.sociindexer.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Names the service in the OpenAPI description served at {@code /v3/api-docs} and declares its
 * authentication: every operation needs the bearer token of {@code soci-indexer.api.tokens},
 * except the webhooks, which authenticate their senders per source.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

  /** Name of the bearer-token security scheme in the description. */
  static final String BEARER_SCHEME = "apiToken";

  @Bean
  OpenAPI sociIndexerOpenApi() {
    String version = OpenApiConfiguration.class.getPackage().getImplementationVersion();
    SecurityScheme bearer =
        new SecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .description(
                "A token of soci-indexer.api.tokens or soci-indexer.api.token-files. Browsers may"
                    + " send it as the password of HTTP basic authentication instead.");
    return new OpenAPI()
        .info(
            new Info()
                .title("soci-indexer API")
                .description(
                    "Registry webhooks in, SOCI indexing jobs out: queue, inspect, retry and"
                        + " cancel jobs, and backfill repositories.")
                .version(version != null ? version : "dev"))
        .components(new Components().addSecuritySchemes(BEARER_SCHEME, bearer));
  }

  /**
   * Marks each operation with its security: none on the paths that {@link
   * ApiAuthenticationFilter} leaves open, the bearer token on all others.
   */
  @Bean
  OpenApiCustomizer securityRequirements() {
    return openApi -> {
      if (openApi.getPaths() == null) {
        return;
      }
      openApi
          .getPaths()
          .forEach(
              (path, item) -> {
                List<SecurityRequirement> security =
                    ApiAuthenticationFilter.isOpen(path)
                        ? List.of()
                        : List.of(new SecurityRequirement().addList(BEARER_SCHEME));
                item.readOperations().forEach(operation -> operation.setSecurity(security));
              });
    };
  }
}
