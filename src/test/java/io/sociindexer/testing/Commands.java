package io.sociindexer.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs external programs (skopeo, tar, pigz) for tests and fails with their output. */
public final class Commands {

  private Commands() {}

  /** Runs {@code command} and returns its standard output; throws when it exits non-zero. */
  public static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = process.waitFor();
    if (status != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + status + ":\n" + output);
    }
    return output;
  }

  /** Runs a shell pipeline with bash. */
  public static String bash(String script) throws IOException, InterruptedException {
    return run(List.of("bash", "-o", "pipefail", "-c", script));
  }

  /**
   * Copies an OCI layout tag, with every platform, into the plain-HTTP test registry. Digests are
   * preserved, so skopeo neither compresses plain tar layers nor rewrites manifests.
   */
  public static void skopeoPush(java.nio.file.Path layout, String tag, String destination)
      throws IOException, InterruptedException {
    run(
        List.of(
            "skopeo",
            "copy",
            "--all",
            "--preserve-digests",
            "--dest-tls-verify=false",
            "oci:" + layout + ":" + tag,
            "docker://" + destination));
  }
}
