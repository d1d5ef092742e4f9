package io.sociindexer.api;

import static org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
import static org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Names the service in the OpenAPI description served at {@code /v3/api-docs} and declares its
 * authentication: every operation needs the bearer token of {@code soci-indexer.api.tokens},
 * except the webhooks, which authenticate their senders per source.
 *
 * <p>Controllers declare their own status codes with {@code @ApiResponse}. This class adds the
 * 401 of {@link ApiAuthenticationFilter} where it applies and the 500 of {@link
 * ApiExceptionHandler} everywhere, and gives every error response the body they all share: the
 * {@value #PROBLEM_SCHEMA} schema as {@code application/problem+json}. A 413 is listed only on
 * the operations that take a body, although {@link RequestBodyLimitFilter} rejects an oversized
 * body on any request.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

  /** Name of the bearer-token security scheme in the description. */
  static final String BEARER_SCHEME = "apiToken";

  /** Name of the schema of RFC 9457 problem details in the description. */
  static final String PROBLEM_SCHEMA = "Problem";

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

  /**
   * Adds the 401 of {@link ApiAuthenticationFilter} to the operations it protects and the 500 of
   * {@link ApiExceptionHandler} to all, gives every response of 400 or above the problem body,
   * sets application/json as the media type of success bodies in place of springdoc's wildcard,
   * and sorts the responses by code.
   */
  @Bean
  OpenApiCustomizer problemResponses() {
    return openApi -> {
      if (openApi.getPaths() == null) {
        return;
      }
      // Added here, not with the security scheme, because springdoc (3.1.1 here) removes a schema
      // of the OpenAPI bean that no operation references before the customizers run.
      openApi.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
      openApi
          .getPaths()
          .forEach(
              (path, item) -> {
                boolean open = ApiAuthenticationFilter.isOpen(path);
                item.readOperations().forEach(operation -> addProblems(operation, open));
              });
    };
  }

  private static void addProblems(Operation operation, boolean open) {
    ApiResponses responses = operation.getResponses();
    if (!open) {
      responses.putIfAbsent("401", new ApiResponse().description("missing or invalid API token"));
    }
    responses.putIfAbsent(
        "500",
        new ApiResponse().description("the request failed on the server; the log has the cause"));

    ApiResponses sorted = new ApiResponses();
    new TreeMap<>(responses)
        .forEach((code, response) -> sorted.addApiResponse(code, withBody(code, response)));
    operation.setResponses(sorted);
  }

  private static ApiResponse withBody(String code, ApiResponse response) {
    if (isError(code)) {
      Schema<?> problem = new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA);
      return response.content(
          new Content()
              .addMediaType(APPLICATION_PROBLEM_JSON_VALUE, new MediaType().schema(problem)));
    }
    Content content = response.getContent();
    if (content != null && content.containsKey("*/*")) {
      content.put(APPLICATION_JSON_VALUE, content.remove("*/*"));
    }
    return response;
  }

  /** Returns whether {@code code}, such as 404 or 4XX, is a client or server error. */
  private static boolean isError(String code) {
    return code.startsWith("4") || code.startsWith("5");
  }

  /**
   * Returns the schema of the fields that {@link FilterProblems} and {@link ApiExceptionHandler}
   * write in every problem.
   */
  private static Schema<?> problemSchema() {
    return new ObjectSchema()
        .description("An RFC 9457 problem detail.")
        .addProperty(
            "type",
            new StringSchema()
                .format("uri")
                .description("Always about:blank: the service defines no problem types."))
        .addProperty(
            "title", new StringSchema().description("The reason phrase, such as Not Found."))
        .addProperty("status", new IntegerSchema().description("The HTTP status code."))
        .addProperty(
            "detail",
            new StringSchema().description("What failed, on which value, and what to do next."))
        .addProperty(
            "instance",
            new StringSchema().format("uri-reference").description("The path of the request."))
        .required(List.of("type", "title", "status", "detail", "instance"));
  }
}
