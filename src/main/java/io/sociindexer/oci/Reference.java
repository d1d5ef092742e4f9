package io.sociindexer.oci;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference {@code [registry[:port]/]repository[:tag][@digest]} with Docker's defaults:
 * a first path component without a dot, a colon or the name {@code localhost} is part of the
 * repository on {@code docker.io}, and a one-component Docker Hub repository gets
 * {@code library/}. At least one of {@code tag} and {@code digest} is set after parsing; a
 * reference with neither gets the tag {@code latest}.
 */
public record Reference(String registry, String repository, String tag, Digest digest) {

  public static final String DOCKER_HUB = "docker.io";
  private static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";

  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REGISTRY =
      Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

  public Reference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (!REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("invalid registry host '" + registry + "'");
    }
    if (repository.length() > 255 || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "invalid repository name '" + repository
              + "': expected lowercase path components separated by '/'");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid tag '" + tag + "': expected up to 128 characters of [A-Za-z0-9_.-]");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
  }

  /**
   * Parses a reference such as {@code nginx}, {@code 127.0.0.1:5000/app:1.0} or
   * {@code ghcr.io/org/app@sha256:...}.
   *
   * @throws IllegalArgumentException with the offending text when it is not a valid reference
   */
  public static Reference parse(String text) {
    Objects.requireNonNull(text, "reference");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference: it is empty");
    }
    if (text.contains("://")) {
      throw new IllegalArgumentException(
          "invalid image reference '" + text
              + "': references take no scheme (http:// or https://), so remove it");
    }

    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = parseDigest(text, rest.substring(at + 1));
      rest = rest.substring(0, at);
    }

    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int tagColon = rest.lastIndexOf(':');
    if (tagColon > lastSlash) {
      tag = rest.substring(tagColon + 1);
      rest = rest.substring(0, tagColon);
    }

    String registry = DOCKER_HUB;
    String repository = rest;
    int firstSlash = rest.indexOf('/');
    if (firstSlash > 0) {
      String first = rest.substring(0, firstSlash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")
          || first.startsWith("[")) {
        registry = first;
        repository = rest.substring(firstSlash + 1);
      }
    }
    if (registry.equals("index.docker.io") || registry.equals(DOCKER_HUB_API_HOST)) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }

    try {
      return new Reference(registry, repository, tag, digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid image reference '" + text + "': " + e.getMessage(), e);
    }
  }

  private static Digest parseDigest(String text, String digestText) {
    try {
      return Digest.parse(digestText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid image reference '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Returns the host (and port) to send registry API requests to. */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
  }

  /** Returns the digest when set, else the tag: what goes after {@code /manifests/}. */
  public String identifier() {
    return digest != null ? digest.toString() : tag;
  }

  public Reference withTag(String newTag) {
    return new Reference(registry, repository, newTag, null);
  }

  public Reference withDigest(Digest newDigest) {
    return new Reference(registry, repository, tag, newDigest);
  }

  /** Returns this reference with its digest and without a tag; requires a digest. */
  public Reference withoutTag() {
    if (digest == null) {
      throw new IllegalStateException("a reference without a digest needs a tag: " + this);
    }
    return new Reference(registry, repository, null, digest);
  }

  /** Returns {@code registry/repository} without tag or digest. */
  public String repositoryName() {
    return registry + "/" + repository;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    return text.toString();
  }
}
