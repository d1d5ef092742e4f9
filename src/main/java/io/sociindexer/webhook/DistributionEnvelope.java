package io.sociindexer.webhook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The notification envelope a CNCF Distribution registry posts: {@code {"events": [...]}}. Only
 * the fields intake reads are modelled; unknown fields (timestamp, actor, source, size, references)
 * are ignored. Field names follow {@code notifications/event.go} of distribution/distribution.
 *
 * @param events the events of one delivery, which need not be related to each other
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DistributionEnvelope(List<Event> events) {

  /**
   * One registry event.
   *
   * @param id unique id the registry gives the event
   * @param action {@code push}, {@code pull}, {@code mount} or {@code delete}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Event(String id, String action, Target target, Request request) {}

  /**
   * The blob or manifest the event is about: an OCI descriptor plus repository, URL and tag.
   *
   * @param tag set only when a manifest was pushed or pulled by tag
   * @param url the registry URL of the content, with {@code /manifests/} or {@code /blobs/}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Target(
      String mediaType, String digest, String repository, String url, String tag) {}

  /**
   * The HTTP request that caused the event.
   *
   * @param host the Host header the registry received, which is how clients name the registry
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Request(String host) {}
}
