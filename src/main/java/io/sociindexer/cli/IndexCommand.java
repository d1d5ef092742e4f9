package io.sociindexer.cli;

import io.sociindexer.files.WritableDirectory;
import io.sociindexer.indexer.DirectoryZtocCache;
import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.ImageStore;
import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.OciLayoutImageStore;
import io.sociindexer.indexer.RegistryImageStore;
import io.sociindexer.indexer.SociVersion;
import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Platform;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.auth.DockerConfigCredentialProvider;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * {@code soci-indexer index}: builds zTOCs and a SOCI v2 index for one image in a registry or in
 * an OCI image layout, and pushes or writes them next to the image.
 */
public final class IndexCommand {

  static final String USAGE =
      """
      Usage:
        soci-indexer index REFERENCE [options]
        soci-indexer index --oci-layout DIR [--tag TAG] [options]

      Builds zTOCs and a SOCI v2 index for an image and pushes them to its repository
      (or writes them into the OCI image layout). The SOCI-enabled image index is
      tagged <tag>-soci; the source tag is left alone unless --in-place is given.

      Options:
        --plain-http            talk HTTP, not HTTPS, to the registry in REFERENCE
        --span-size SIZE        uncompressed bytes per span (default 4MiB)
        --min-layer-size SIZE   skip layers whose compressed size is below SIZE (default 10MiB)
        --platform OS/ARCH[/V]  index only this platform; repeat for several (default: all)
        --max-uncompressed-layer-size SIZE
                                fail a layer that decompresses to more than SIZE
                                (default 64GiB; 0 turns the limit off)
        --max-inflate-ratio N   fail a layer whose decompressed bytes exceed N times its
                                compressed bytes, once past --inflate-ratio-check-above
                                (default 100; 0 turns the limit off)
        --inflate-ratio-check-above SIZE
                                decompressed bytes after which the ratio applies (default 1GiB)
        --max-tar-entries N     fail a layer with more than N tar entries
                                (default 2000000; 0 turns the limit off)
        --max-ztoc-size SIZE    fail a layer whose zTOC would be larger than SIZE, which
                                bounds the memory of long names (default 512MiB; 0 turns it off)
        --tag-suffix SUFFIX     suffix of the output tag (default -soci)
        --in-place              move the source tag to the SOCI-enabled index, only if the
                                tag still points at the digest that was indexed
        --soci-version v1|v2    SOCI index format (default v2); v1 pushes one index per image
                                manifest with the manifest as its subject, found through the
                                referrers API or the sha256-<hex> referrers tag, and tags nothing
        --layer-concurrency N   layers of the image indexed at once (default 2)
        --ztoc-cache DIR        reuse zTOCs recorded in DIR for layers indexed before with the
                                same span size, and record new ones there (default: no cache)
        --docker-config FILE    docker config.json with registry credentials
                                (default $DOCKER_CONFIG/config.json, then ~/.docker/config.json)
        --oci-layout DIR        read and write an OCI image layout instead of a registry
        --tag TAG               tag in the layout to index (default: its only tag)
        -h, --help              print this help

      SIZE is a byte count such as 4194304, 4MiB, 4MB or 512KB; as in the service's
      configuration, KB, MB and GB are powers of 1024. Every option that takes a value
      also accepts the form --option=value, such as --span-size=2MiB.
      Exit status: 0 when indexed or when no layer needed a zTOC, 1 on failure, 2 on usage errors.
      """;

  /** zTOC bytes kept in a --ztoc-cache directory; older ones keep only their descriptor. */
  static final long CLI_ZTOC_CACHE_BYTES = 1L << 30;

  private final PrintStream out;
  private final PrintStream err;

  public IndexCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and returns the process exit status. */
  public int run(List<String> args) {
    Arguments parsed;
    try {
      parsed = Arguments.parse(args);
    } catch (UsageException e) {
      err.println("soci-indexer index: " + e.getMessage());
      err.println("Run 'soci-indexer index --help' for usage.");
      return 2;
    }
    if (parsed.help) {
      out.print(USAGE);
      return 0;
    }

    FailureMessages messages =
        new FailureMessages()
            .withPath("--oci-layout", parsed.layout)
            .withPath("--ztoc-cache", parsed.ztocCache)
            .withPath("--docker-config", parsed.dockerConfig);
    if (parsed.ztocCache != null) {
      Optional<String> problem = WritableDirectory.check("--ztoc-cache", parsed.ztocCache);
      if (problem.isPresent()) {
        err.println("soci-indexer index: " + problem.get());
        return 1;
      }
    }

    OkHttpClient http = new OkHttpClient();
    ErrorHints hints =
        parsed.reference != null
            ? ErrorHints.forRegistry(parsed.reference, parsed.plainHttp, http)
            : new ErrorHints("", false, null, null);
    try (ImageStore store = openStore(parsed, http)) {
      ZtocCache cache =
          parsed.ztocCache != null
              ? new DirectoryZtocCache(parsed.ztocCache, CLI_ZTOC_CACHE_BYTES)
              : ZtocCache.NONE;
      IndexResult result =
          new ImageIndexer(parsed.options, parsed.layerConcurrency, cache)
              .index(store, parsed.tag, parsed.digest);
      new Summary(out).print(result);
      return 0;
    } catch (UsageException e) {
      err.println("soci-indexer index: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("soci-indexer index: " + hints.withHint(messages.oneLine(e), e));
      return 1;
    }
  }

  private static ImageStore openStore(Arguments parsed, OkHttpClient http) throws Exception {
    if (parsed.layout != null) {
      return OciLayoutImageStore.open(parsed.layout);
    }
    Reference reference = parsed.reference;
    Set<String> plainHttp = new HashSet<>();
    if (parsed.plainHttp) {
      plainHttp.add(reference.apiHost());
    }
    DockerConfigCredentialProvider credentials = DockerConfigOption.credentials(parsed.dockerConfig);
    RegistryClient client =
        RegistryClient.builder()
            .credentials(credentials)
            .plainHttpRegistries(plainHttp)
            .userAgent("soci-indexer")
            .okHttpClient(http)
            .build();
    return new RegistryImageStore(client, reference);
  }

  /** The parsed command line. */
  static final class Arguments {
    boolean help;
    boolean plainHttp;
    Reference reference;
    Path layout;
    String tag;
    Digest digest;
    Path dockerConfig;
    int layerConcurrency = ImageIndexer.DEFAULT_LAYER_CONCURRENCY;
    Path ztocCache;
    IndexOptions options = IndexOptions.defaults();

    static Arguments parse(List<String> args) {
      Arguments parsed = new Arguments();
      List<Platform> platforms = new ArrayList<>();
      String referenceText = null;
      String tag = null;
      String tagSuffix = null;
      boolean inPlace = false;
      SociVersion sociVersion = SociVersion.V2;

      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        String name = arg;
        String inline = null;
        int equals = arg.indexOf('=');
        if (arg.startsWith("--") && equals > 0) {
          name = arg.substring(0, equals);
          inline = arg.substring(equals + 1);
        }
        if (!takesValue(name)) {
          if (inline != null && FLAG_OPTIONS.contains(name)) {
            throw new UsageException(name + " takes no value, but got '" + inline + "'");
          }
          switch (name) {
            case "-h", "--help" -> parsed.help = true;
            case "--plain-http" -> parsed.plainHttp = true;
            case "--in-place" -> inPlace = true;
            default -> {
              if (arg.startsWith("-")) {
                throw new UsageException("unknown option " + name);
              }
              if (referenceText != null) {
                throw new UsageException(
                    "more than one image reference given: " + referenceText + " and " + arg);
              }
              referenceText = arg;
            }
          }
          continue;
        }

        String value = inline != null ? inline : value(args, ++i, name);
        switch (name) {
          case "--span-size" ->
              parsed.options = parsed.options.withSpanSize(
                  positive(name, ByteSizes.parse(name, value)));
          case "--min-layer-size" ->
              parsed.options = parsed.options.withMinLayerSize(ByteSizes.parse(name, value));
          case "--platform" -> platforms.add(platform(value));
          case "--max-uncompressed-layer-size" ->
              parsed.options = parsed.options.withLayerLimits(
                  parsed.options.layerLimits()
                      .withMaxUncompressedSize(ByteSizes.parse(name, value)));
          case "--max-inflate-ratio" ->
              parsed.options = parsed.options.withLayerLimits(
                  parsed.options.layerLimits().withMaxInflateRatio(count(name, value)));
          case "--inflate-ratio-check-above" ->
              parsed.options = parsed.options.withLayerLimits(
                  parsed.options.layerLimits().withRatioCheckAbove(ByteSizes.parse(name, value)));
          case "--max-tar-entries" ->
              parsed.options = parsed.options.withLayerLimits(
                  parsed.options.layerLimits().withMaxEntries(count(name, value)));
          case "--max-ztoc-size" ->
              parsed.options = parsed.options.withLayerLimits(
                  parsed.options.layerLimits().withMaxZtocSize(ByteSizes.parse(name, value)));
          case "--tag-suffix" -> tagSuffix = value;
          case "--oci-layout" -> parsed.layout = Path.of(value);
          case "--tag" -> tag = value;
          case "--docker-config" -> parsed.dockerConfig = Path.of(value);
          case "--soci-version" -> sociVersion = sociVersion(value);
          case "--layer-concurrency" -> parsed.layerConcurrency = layerConcurrency(value);
          case "--ztoc-cache" -> parsed.ztocCache = Path.of(value);
          default -> throw new IllegalStateException("no handler for option " + name);
        }
      }
      if (parsed.help) {
        return parsed;
      }

      if (inPlace && tagSuffix != null) {
        throw new UsageException("--tag-suffix and --in-place cannot be used together");
      }
      if (sociVersion == SociVersion.V1 && (inPlace || tagSuffix != null)) {
        throw new UsageException(
            "--soci-version v1 tags nothing, so --in-place and --tag-suffix do not apply");
      }
      if (sociVersion == SociVersion.V1 && parsed.layout != null) {
        throw new UsageException(
            "--soci-version v1 needs a registry with referrers; an --oci-layout takes v2 only");
      }
      parsed.options =
          parsed.options
              .withPlatforms(platforms)
              .withInPlace(inPlace)
              .withSociVersion(sociVersion);
      if (tagSuffix != null) {
        parsed.options = withSuffix(parsed.options, tagSuffix);
      }
      resolveTarget(parsed, referenceText, tag);
      if (inPlace && parsed.tag == null && parsed.layout == null) {
        throw new UsageException(
            "--in-place moves a tag, but " + referenceText + " names only a digest."
                + " Add the tag to move, such as app:1.0@sha256:...");
      }
      return parsed;
    }

    private static final Set<String> VALUE_OPTIONS =
        Set.of(
            "--span-size",
            "--min-layer-size",
            "--platform",
            "--max-uncompressed-layer-size",
            "--max-inflate-ratio",
            "--inflate-ratio-check-above",
            "--max-tar-entries",
            "--max-ztoc-size",
            "--tag-suffix",
            "--oci-layout",
            "--tag",
            "--docker-config",
            "--soci-version",
            "--layer-concurrency",
            "--ztoc-cache");

    private static final Set<String> FLAG_OPTIONS = Set.of("--help", "--plain-http", "--in-place");

    private static boolean takesValue(String option) {
      return VALUE_OPTIONS.contains(option);
    }

    private static void resolveTarget(Arguments parsed, String referenceText, String tag) {
      if (parsed.layout != null) {
        if (referenceText != null) {
          throw new UsageException("give either an image reference or --oci-layout, not both");
        }
        if (parsed.plainHttp) {
          throw new UsageException("--plain-http applies to registries, not to --oci-layout");
        }
        if (!Files.exists(parsed.layout)) {
          throw new UsageException("OCI layout directory not found: " + parsed.layout);
        }
        if (!Files.isDirectory(parsed.layout)) {
          throw new UsageException(
              "--oci-layout " + parsed.layout + ": not a directory; give the directory of an OCI"
                  + " image layout");
        }
        parsed.tag = tag;
        return;
      }
      if (referenceText == null) {
        throw new UsageException("missing image reference, such as 127.0.0.1:5000/app:1.0");
      }
      if (tag != null) {
        throw new UsageException("--tag applies to --oci-layout; put the tag in the reference");
      }
      try {
        parsed.reference = Reference.parse(referenceText);
      } catch (IllegalArgumentException e) {
        String hint =
            referenceText.startsWith("http://")
                ? ". Pass --plain-http for a registry that serves HTTP without TLS"
                : "";
        throw new UsageException(e.getMessage() + hint);
      }
      parsed.tag = parsed.reference.tag();
      parsed.digest = parsed.reference.digest();
    }

    /**
     * Applies {@code suffix} after checking that it keeps any source tag a valid tag: tag
     * characters only, and at most 127 of them so that a one-character source tag still fits the
     * 128-character limit.
     */
    /** Parses a non-negative whole number such as an entry count or a ratio. */
    private static int count(String option, String value) {
      try {
        int parsed = Integer.parseInt(value);
        if (parsed >= 0) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // Reported below with the option name.
      }
      throw new UsageException(
          option + " takes a whole number from 0 to " + Integer.MAX_VALUE + ", got '" + value
              + "'");
    }

    static IndexOptions withSuffix(IndexOptions options, String suffix) {
      if (!TAG_SUFFIX.matcher(suffix).matches()) {
        throw new UsageException(
            "invalid --tag-suffix '" + suffix + "': use only the tag characters A-Z, a-z, 0-9,"
                + " '_', '.' and '-'");
      }
      if (suffix.length() > MAX_TAG_SUFFIX_LENGTH) {
        throw new UsageException(
            "invalid --tag-suffix: it has " + suffix.length() + " characters, but at most "
                + MAX_TAG_SUFFIX_LENGTH + " leave room for a source tag in a 128-character tag");
      }
      try {
        return options.withTagSuffix(suffix);
      } catch (IllegalArgumentException e) {
        throw new UsageException("invalid --tag-suffix '" + suffix + "': " + e.getMessage());
      }
    }

    private static final Pattern TAG_SUFFIX = Pattern.compile("[A-Za-z0-9_.-]*");
    private static final int MAX_TAG_SUFFIX_LENGTH = 127;

    static long positive(String option, long value) {
      if (value <= 0) {
        throw new UsageException(option + " must be greater than zero");
      }
      return value;
    }

    static int layerConcurrency(String text) {
      try {
        int value = Integer.parseInt(text);
        if (value >= 1 && value <= 64) {
          return value;
        }
      } catch (NumberFormatException e) {
        // Reported below with the accepted range.
      }
      throw new UsageException(
          "invalid --layer-concurrency '" + text + "': expected a whole number from 1 to 64");
    }

    static SociVersion sociVersion(String text) {
      try {
        return SociVersion.parse(text);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--soci-version: " + e.getMessage());
      }
    }

    static Platform platform(String text) {
      try {
        return Platform.parse(text);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }

    static String value(List<String> args, int index, String option) {
      if (index >= args.size() || args.get(index).startsWith("--")) {
        throw new UsageException(option + " needs a value");
      }
      return args.get(index);
    }
  }
}
