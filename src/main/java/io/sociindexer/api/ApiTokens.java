package io.sociindexer.api;

import io.sociindexer.config.ApiProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens that {@link ApiAuthenticationFilter} accepts: those of {@code
 * soci-indexer.api.tokens} plus those read from {@code soci-indexer.api.token-files}. A file is
 * read again when its modification time changes, so a rotated Kubernetes Secret takes effect
 * without a restart. An unreadable file contributes no token and is logged once per change.
 *
 * <p>{@link #accepts} compares SHA-256 digests of the tokens with {@link MessageDigest#isEqual}
 * and checks every token, so its time does not depend on how much of a token matches.
 * Thread-safe.
 */
final class ApiTokens {

  private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

  private final List<byte[]> configured;
  private final List<Path> files;
  private final Map<Path, FileTokens> fileCache = new ConcurrentHashMap<>();

  ApiTokens(ApiProperties properties) {
    this.configured = properties.getTokens().stream().map(ApiTokens::sha256).toList();
    this.files = List.copyOf(properties.getTokenFiles());
  }

  /** Returns whether no token is configured, reading the token files as needed. */
  boolean isEmpty() {
    return configured.isEmpty() && fileDigests().isEmpty();
  }

  /** Returns the number of usable tokens in the token files, reading them as needed. */
  int fileTokenCount() {
    return fileDigests().size();
  }

  /** Returns whether {@code presented} equals one of the tokens. */
  boolean accepts(String presented) {
    byte[] digest = sha256(presented);
    boolean match = false;
    for (byte[] token : configured) {
      match |= MessageDigest.isEqual(token, digest);
    }
    for (byte[] token : fileDigests()) {
      match |= MessageDigest.isEqual(token, digest);
    }
    return match;
  }

  private List<byte[]> fileDigests() {
    List<byte[]> digests = new ArrayList<>();
    for (Path file : files) {
      digests.addAll(current(file).digests());
    }
    return digests;
  }

  /** Returns the tokens of {@code file}, reading it again when its modification time changed. */
  private FileTokens current(Path file) {
    FileTime modified = modificationTime(file);
    FileTokens cached = fileCache.get(file);
    if (cached != null && cached.modified().equals(modified)) {
      return cached;
    }

    FileTokens loaded = new FileTokens(modified, read(file));
    fileCache.put(file, loaded);
    return loaded;
  }

  private static FileTime modificationTime(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(Long.MIN_VALUE);
    }
  }

  private static List<byte[]> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.error(
          "cannot read API token file, so it adds no token: check soci-indexer.api.token-files"
              + " file={} error={}",
          file,
          e.toString());
      return List.of();
    }

    List<byte[]> digests = new ArrayList<>();
    int skipped = 0;
    for (String line : lines) {
      String token = line.strip();
      if (token.isEmpty() || token.startsWith("#")) {
        continue;
      }
      if (ApiProperties.isUsableToken(token)) {
        digests.add(sha256(token));
      } else {
        skipped++;
      }
    }
    if (skipped > 0) {
      log.warn(
          "API token file contains tokens shorter than {} characters or with spaces; they are"
              + " ignored file={} ignored={}",
          ApiProperties.MIN_TOKEN_LENGTH,
          file,
          skipped);
    }
    log.info("API tokens read file={} tokens={}", file, digests.size());
    return digests;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  private record FileTokens(FileTime modified, List<byte[]> digests) {}
}
