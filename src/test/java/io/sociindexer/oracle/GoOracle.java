package io.sociindexer.oracle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds and runs the Go programs under {@code src/test/go}, which read tar archives with Go's
 * {@code archive/tar} and re-marshal OCI documents with Go's {@code encoding/json}.
 *
 * <p>The programs are built once per JVM into {@code target/go-oracle}. The Go build cache, module
 * cache and home directory live there too, and the environment turns off the module proxy,
 * toolchain downloads and telemetry, so a build needs neither network nor a writable home.
 */
final class GoOracle {

  private static final Path WORK = Path.of("target", "go-oracle").toAbsolutePath();
  private static final Path SOURCES = Path.of("src", "test", "go").toAbsolutePath();
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final long TIMEOUT_SECONDS = 300;

  private static GoOracle instance;

  private final Path tarlist;
  private final Path gojson;
  private final boolean legacyControlEscapes;

  private GoOracle(Path tarlist, Path gojson, boolean legacyControlEscapes) {
    this.tarlist = tarlist;
    this.gojson = gojson;
    this.legacyControlEscapes = legacyControlEscapes;
  }

  /** Returns whether a {@code go} executable is on the PATH. */
  static boolean goOnPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String directory : path.split(java.io.File.pathSeparator)) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "go"))) {
        return true;
      }
    }
    return false;
  }

  /** Builds both programs on first use and returns the shared instance. */
  static synchronized GoOracle get() throws IOException, InterruptedException {
    if (instance == null) {
      Files.createDirectories(WORK.resolve("bin"));
      Path tarlist = build("tarlist");
      Path gojson = build("gojson");
      instance = new GoOracle(tarlist, gojson, isBefore122(goVersion()));
    }
    return instance;
  }

  /** Returns the output of {@code go version}, such as {@code go version go1.19.8 linux/amd64}. */
  static String goVersion() throws IOException, InterruptedException {
    return new String(run(List.of("go", "version"), WORK), StandardCharsets.UTF_8).strip();
  }

  /**
   * Returns whether {@code go version} output names a release before Go 1.22. Those releases
   * escape U+0008 and U+000C in JSON strings as six-character {@code u0008} and {@code u000c}
   * escapes, where Go 1.22 and later write the short escapes {@code b} and {@code f} (Go 1.22
   * release notes, encoding/json).
   */
  static boolean isBefore122(String versionOutput) {
    Matcher matcher = Pattern.compile("go1\\.(\\d+)").matcher(versionOutput);
    return matcher.find() && Integer.parseInt(matcher.group(1)) < 22;
  }

  /** Lists a tar archive with Go's {@code archive/tar}, in UTC. */
  GoTarListing listTar(Path archive) throws IOException, InterruptedException {
    byte[] output = run(List.of(tarlist.toString(), archive.toString()), WORK);
    List<GoTarEntry> entries = new ArrayList<>();
    Long end = null;
    String error = null;
    for (String line : new String(output, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode node = MAPPER.readTree(line);
      if (node.has("end")) {
        end = node.get("end").longValue();
      } else if (node.has("error")) {
        error = node.get("error").stringValue();
      } else {
        entries.add(GoTarEntry.fromJson(node));
      }
    }
    if (end == null && error == null) {
      throw new IOException(
          "tarlist output for " + archive + " has no end or error line; check that the program"
              + " under src/test/go/tarlist ran to the end");
    }
    return new GoTarListing(entries, end, error);
  }

  /** Returns Go's {@code json.Marshal} of {@code json} decoded into an {@code ocispec.Manifest}. */
  byte[] remarshalManifest(byte[] json) throws IOException, InterruptedException {
    return remarshal("manifest", json);
  }

  /** Returns Go's {@code json.Marshal} of {@code json} decoded into an {@code ocispec.Index}. */
  byte[] remarshalIndex(byte[] json) throws IOException, InterruptedException {
    return remarshal("index", json);
  }

  private byte[] remarshal(String kind, byte[] json) throws IOException, InterruptedException {
    Path input = Files.createTempFile(WORK, kind, ".json");
    try {
      Files.write(input, json);
      byte[] output = run(List.of(gojson.toString(), kind, input.toString()), WORK);
      return legacyControlEscapes ? modernControlEscapes(output) : output;
    } finally {
      Files.deleteIfExists(input);
    }
  }

  /**
   * Rewrites the long escapes of U+0008 and U+000C in Go JSON output to the short ones that
   * Go 1.22 and later write. The scan steps over every escape pair, so an escaped backslash
   * followed by the text {@code u0008} stays as it is.
   */
  static byte[] modernControlEscapes(byte[] json) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(json.length);
    int i = 0;
    while (i < json.length) {
      if (json[i] != '\\' || i + 1 >= json.length) {
        out.write(json[i]);
        i++;
        continue;
      }
      String escape = new String(json, i, Math.min(6, json.length - i), StandardCharsets.US_ASCII);
      if (escape.equals("\\u0008")) {
        out.writeBytes("\\b".getBytes(StandardCharsets.US_ASCII));
        i += 6;
      } else if (escape.equals("\\u000c")) {
        out.writeBytes("\\f".getBytes(StandardCharsets.US_ASCII));
        i += 6;
      } else {
        out.write(json[i]);
        out.write(json[i + 1]);
        i += 2;
      }
    }
    return out.toByteArray();
  }

  private static Path build(String program) throws IOException, InterruptedException {
    Path binary = WORK.resolve("bin").resolve(program);
    run(List.of("go", "build", "-o", binary.toString(), "."), SOURCES.resolve(program));
    return binary;
  }

  /** Runs a command with the isolated Go environment and returns its standard output. */
  private static byte[] run(List<String> command, Path directory)
      throws IOException, InterruptedException {
    Path stdout = Files.createTempFile(WORK, "stdout", ".txt");
    Path stderr = Files.createTempFile(WORK, "stderr", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      configureEnvironment(builder.environment());
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " timed out after " + TIMEOUT_SECONDS + " seconds");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            command + " exited with " + process.exitValue() + ": " + Files.readString(stderr));
      }
      return Files.readAllBytes(stdout);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  private static void configureEnvironment(Map<String, String> environment) {
    environment.put("HOME", WORK.resolve("home").toString());
    environment.put("GOCACHE", WORK.resolve("cache").toString());
    environment.put("GOPATH", WORK.resolve("gopath").toString());
    environment.put("GOTMPDIR", "");
    environment.put("GOPROXY", "off");
    environment.put("GOFLAGS", "");
    environment.put("GO111MODULE", "on");
    environment.put("GOTOOLCHAIN", "local");
    environment.put("GOTELEMETRY", "off");
    environment.put("CGO_ENABLED", "0");
    environment.put("TZ", "UTC");
  }

  /** Decodes a base64 field of a tarlist line. */
  static byte[] base64(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull()
        ? new byte[0]
        : Base64.getDecoder().decode(value.stringValue());
  }
}
