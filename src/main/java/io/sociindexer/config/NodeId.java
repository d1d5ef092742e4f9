package io.sociindexer.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The name this replica uses as lease owner of the jobs it runs. It must differ between replicas
 * that share one job store, so the generated form adds a random suffix to the host name: two
 * containers with the same host name still get different ids.
 */
public record NodeId(String value) {

  public NodeId {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("node id must not be blank");
    }
  }

  /** Returns {@code configured} when it is set, else {@code <hostname>-<6 hex digits>}. */
  public static NodeId resolve(String configured) {
    if (configured != null && !configured.isBlank()) {
      return new NodeId(configured.strip());
    }
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    return new NodeId(hostName() + "-" + HexFormat.of().formatHex(suffix));
  }

  private static String hostName() {
    String environment = System.getenv("HOSTNAME");
    if (environment != null && !environment.isBlank()) {
      return environment.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "soci-indexer";
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
