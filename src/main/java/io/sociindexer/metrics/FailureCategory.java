package io.sociindexer.metrics;

import io.sociindexer.job.JobError;
import java.util.List;

/**
 * Maps a recorded job failure to one of a fixed set of reason categories, so that the {@code
 * reason} tag of the job metrics stays bounded whatever status the registries return.
 */
public final class FailureCategory {

  /** Every category {@link #of} returns. */
  public static final List<String> ALL = List.of(
      "registry_not_allowed",
      "registry_auth",
      "not_found",
      "rate_limited",
      "registry_client_error",
      "registry_server_error",
      "registry_unreachable",
      "timeout",
      "corrupt_layer",
      "index_error");

  private FailureCategory() {}

  /** Returns the category of {@code error}. A null error is an {@code index_error}. */
  public static String of(JobError error) {
    if (error == null) {
      return "index_error";
    }
    if ("check registry".equals(error.operation())) {
      return "registry_not_allowed";
    }
    if (error.registry() != null) {
      return ofRegistryStatus(error.status());
    }
    return switch (error.operation()) {
      case "run job" -> "timeout";
      case "index layer" -> "corrupt_layer";
      default -> "index_error";
    };
  }

  private static String ofRegistryStatus(int status) {
    if (status == 0) {
      return "registry_unreachable";
    }
    if (status == 401 || status == 403) {
      return "registry_auth";
    }
    if (status == 404) {
      return "not_found";
    }
    if (status == 429) {
      return "rate_limited";
    }
    return status >= 500 ? "registry_server_error" : "registry_client_error";
  }
}
