package io.sociindexer.webhook;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides which events of a CNCF Distribution notification start an indexing job. A job starts for
 * each push of an image manifest or image index; blobs, pulls, mounts, deletes, and the tags the
 * {@link PushPolicy} leaves out (untagged pushes unless enabled, the service's own suffixed output
 * tags, signature and referrers tags) are ignored with a reason.
 *
 * <p>The registry is the host the pushing client used ({@code request.host}), falling back to the
 * host of {@code target.url}. In in-place mode the output carries the pushed tag itself, so only
 * the worker's content check can tell it apart.
 *
 * <p>Instances are immutable and thread-safe. The mapper never contacts a registry.
 */
public final class DistributionEventMapper {

  private static final String PUSH = "push";
  private static final String MANIFEST_PATH = "/manifests/";

  private final PushPolicy pushPolicy;

  /** Creates a mapper with the {@link PushPolicy} of these settings. */
  public DistributionEventMapper(String tagSuffix, boolean inPlace, boolean indexUntaggedPushes) {
    this(new PushPolicy(tagSuffix, inPlace, indexUntaggedPushes));
  }

  public DistributionEventMapper(PushPolicy pushPolicy) {
    this.pushPolicy = Objects.requireNonNull(pushPolicy, "pushPolicy");
  }

  /** The outcome of {@link #map}: the events that start jobs and the ones that do not. */
  public record Mapping(List<Accepted> accepted, List<IgnoredEvent> ignored) {

    public Mapping {
      accepted = List.copyOf(accepted);
      ignored = List.copyOf(ignored);
    }
  }

  /** An event that starts a job for {@code target}. */
  public record Accepted(String event, ImageTarget target) {}

  /**
   * Sorts every event of {@code envelope} into accepted and ignored.
   *
   * @throws InvalidNotificationException when the envelope has no {@code events} array, or an
   *     event lacks a field needed to decide (action, target; for a manifest push also repository,
   *     digest and a registry host). Nothing is accepted then.
   */
  public Mapping map(DistributionEnvelope envelope) {
    if (envelope == null || envelope.events() == null) {
      throw new InvalidNotificationException(
          "invalid Distribution notification: the \"events\" array is missing");
    }

    List<Accepted> accepted = new ArrayList<>();
    List<IgnoredEvent> ignored = new ArrayList<>();
    List<DistributionEnvelope.Event> events = envelope.events();
    for (int i = 0; i < events.size(); i++) {
      String position = "events[" + i + "]";
      DistributionEnvelope.Event event = events.get(i);
      if (event == null) {
        throw missing(position);
      }

      String eventName = event.id() == null || event.id().isBlank() ? position : event.id();
      String reason = ignoreReason(event, position);
      if (reason != null) {
        ignored.add(new IgnoredEvent(eventName, reason));
        continue;
      }

      try {
        accepted.add(new Accepted(eventName, toTarget(event, position)));
      } catch (IllegalArgumentException e) {
        ignored.add(new IgnoredEvent(eventName, "invalid event: " + e.getMessage()));
      }
    }
    return new Mapping(accepted, ignored);
  }

  /** Returns why {@code event} starts no job, or null when it should start one. */
  private String ignoreReason(DistributionEnvelope.Event event, String position) {
    if (isBlank(event.action())) {
      throw missing(position + ".action");
    }
    DistributionEnvelope.Target target = event.target();
    if (target == null) {
      throw missing(position + ".target");
    }

    if (!event.action().equals(PUSH)) {
      return "not a push: action is " + event.action();
    }

    String notManifest = notManifestReason(target);
    if (notManifest != null) {
      return notManifest;
    }

    return pushPolicy.ignoreReason(target.tag());
  }

  /**
   * Returns why {@code target} is not an image manifest or index, or null when it is. The URL
   * decides only when the media type is absent, because blobs are served under {@code /blobs/}.
   */
  private static String notManifestReason(DistributionEnvelope.Target target) {
    if (!isBlank(target.mediaType())) {
      return MediaType.of(target.mediaType()).isManifestOrIndex()
          ? null
          : "not an image manifest or index: media type is " + target.mediaType();
    }
    if (target.url() != null && target.url().contains(MANIFEST_PATH)) {
      return null;
    }
    return "not an image manifest or index: no media type and the URL has no " + MANIFEST_PATH;
  }

  private ImageTarget toTarget(DistributionEnvelope.Event event, String position) {
    DistributionEnvelope.Target target = event.target();
    if (isBlank(target.repository())) {
      throw missing(position + ".target.repository");
    }
    if (isBlank(target.digest())) {
      throw missing(position + ".target.digest");
    }
    String registry = registryHost(event, position);

    Digest digest = Digest.parse(target.digest());
    String tag = isBlank(target.tag()) ? null : target.tag();
    Reference validated = new Reference(registry, target.repository(), tag, digest);
    return ImageTarget.of(validated);
  }

  private static String registryHost(DistributionEnvelope.Event event, String position) {
    if (event.request() != null && !isBlank(event.request().host())) {
      return event.request().host();
    }

    String url = event.target().url();
    if (!isBlank(url)) {
      try {
        URI uri = new URI(url);
        if (uri.getHost() != null) {
          return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid target URL '" + url + "': " + e.getReason(), e);
      }
    }
    throw new InvalidNotificationException(
        "invalid Distribution notification: "
            + position
            + ".request.host is missing and "
            + position
            + ".target.url has no host, so the registry is unknown");
  }

  private static InvalidNotificationException missing(String field) {
    return new InvalidNotificationException(
        "invalid Distribution notification: " + field + " is missing");
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
