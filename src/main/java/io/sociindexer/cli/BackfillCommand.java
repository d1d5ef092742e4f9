package io.sociindexer.cli;

import io.sociindexer.backfill.BackfillPlanner;
import io.sociindexer.backfill.TagGlob;
import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.MemoryZtocCache;
import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.RegistryImageStore;
import io.sociindexer.indexer.SociVersion;
import io.sociindexer.oci.Platform;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.auth.DockerConfigCredentialProvider;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * {@code soci-indexer backfill}: indexes the tags of a repository that match a glob and are not
 * indexed yet, one after the other, and prints a line per tag and a summary.
 */
public final class BackfillCommand {

  static final String USAGE =
      """
      Usage:
        soci-indexer backfill REPOSITORY [options]

      Lists the tags of REPOSITORY (such as 127.0.0.1:5000/app), keeps those that match
      --tag-glob, and indexes each one that is not indexed yet, one after the other.
      Left out are output tags (ending with the tag suffix), sha256-<hex> referrers tags,
      tags whose <tag>-soci exists (SOCI v2), and images that already have a SOCI v1
      index (SOCI v1).

      Options:
        --tag-glob GLOB         index only tags that match GLOB, where * matches any text and
                                ? one character, such as 'v1.*' (default: every tag)
        --plain-http            talk HTTP, not HTTPS, to the registry
        --docker-config FILE    docker config.json with registry credentials
        --span-size SIZE        uncompressed bytes per span (default 4MiB)
        --min-layer-size SIZE   skip layers whose compressed size is below SIZE (default 10MiB)
        --platform OS/ARCH[/V]  index only this platform; repeat for several (default: all)
        --tag-suffix SUFFIX     suffix of the output tags (default -soci)
        --soci-version v1|v2    SOCI index format (default v2)
        -h, --help              print this help

      Exit status: 0 when every tag was indexed or skipped, 1 when any tag failed or the
      tags could not be listed, 2 on usage errors.
      """;

  /** zTOC bytes kept in memory while one repository is backfilled. */
  static final long BACKFILL_ZTOC_CACHE_BYTES = 64L << 20;

  private final PrintStream out;
  private final PrintStream err;

  public BackfillCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and returns the process exit status. */
  public int run(List<String> args) {
    Arguments parsed;
    try {
      parsed = Arguments.parse(args);
    } catch (UsageException e) {
      err.println("soci-indexer backfill: " + e.getMessage());
      err.println("Run 'soci-indexer backfill --help' for usage.");
      return 2;
    }
    if (parsed.help) {
      out.print(USAGE);
      return 0;
    }

    OkHttpClient http = new OkHttpClient();
    ErrorHints hints = ErrorHints.forRegistry(parsed.repository, parsed.plainHttp, http);
    RegistryClient client;
    BackfillPlanner.Plan plan;
    try {
      client = client(parsed, http);
      plan = new BackfillPlanner(client, parsed.options).plan(parsed.repository, parsed.glob);
    } catch (Exception e) {
      err.println("soci-indexer backfill: " + hints.withHint(oneLine(e), e));
      return 1;
    }
    return indexAll(parsed, client, plan, hints);
  }

  private int indexAll(
      Arguments parsed, RegistryClient client, BackfillPlanner.Plan plan, ErrorHints hints) {
    for (BackfillPlanner.Skipped skipped : plan.skipped()) {
      out.println(skipped.tag() + ": skipped, " + skipped.reason());
    }
    // Tags of one repository often share base layers. The cache keeps the zTOC bytes of recent
    // layers and otherwise reads a zTOC back from the repository, where an earlier tag pushed it.
    ImageIndexer indexer =
        new ImageIndexer(
            parsed.options,
            ImageIndexer.DEFAULT_LAYER_CONCURRENCY,
            new MemoryZtocCache(BACKFILL_ZTOC_CACHE_BYTES));
    int indexed = 0;
    int nothing = 0;
    int failed = 0;
    for (String tag : plan.toIndex()) {
      Reference image = parsed.repository.withTag(tag);
      try (RegistryImageStore store = new RegistryImageStore(client, image)) {
        IndexResult result = indexer.index(store, tag, null);
        out.println(tag + ": " + describe(result));
        if (result.status() == IndexResult.Status.INDEXED) {
          indexed++;
        } else {
          nothing++;
        }
      } catch (Exception e) {
        failed++;
        out.println(tag + ": failed, " + hints.withHint(oneLine(e), e));
      }
    }
    out.println(
        "backfill of " + parsed.repository.repositoryName() + ": " + indexed + " indexed, "
            + nothing + " with nothing to index, " + plan.skipped().size() + " skipped, "
            + failed + " failed, " + plan.unmatched() + " not matching " + parsed.glob);
    return failed == 0 ? 0 : 1;
  }

  private static String describe(IndexResult result) {
    return switch (result.status()) {
      case INDEXED ->
          result.imageIndex().digest().equals(result.sourceDigest())
              ? "indexed with SOCI v1"
              : "indexed as " + result.outputTag();
      case NOTHING_TO_INDEX -> "nothing to index, no layer needs a zTOC";
      case ALREADY_SOCI_ENABLED -> "already SOCI-enabled, " + result.reason();
    };
  }

  private static RegistryClient client(Arguments parsed, OkHttpClient http) {
    DockerConfigCredentialProvider credentials = DockerConfigOption.credentials(parsed.dockerConfig);
    Set<String> plainHttp = parsed.plainHttp ? Set.of(parsed.repository.apiHost()) : Set.of();
    return RegistryClient.builder()
        .credentials(credentials)
        .plainHttpRegistries(plainHttp)
        .userAgent("soci-indexer")
        .okHttpClient(http)
        .build();
  }

  private static String oneLine(Throwable e) {
    return new FailureMessages().oneLine(e);
  }

  /** The parsed command line. */
  static final class Arguments {
    boolean help;
    boolean plainHttp;
    Reference repository;
    TagGlob glob = TagGlob.ALL;
    Path dockerConfig;
    IndexOptions options = IndexOptions.defaults();

    private static final Set<String> VALUE_OPTIONS =
        Set.of(
            "--tag-glob",
            "--docker-config",
            "--span-size",
            "--min-layer-size",
            "--platform",
            "--tag-suffix",
            "--soci-version");

    static Arguments parse(List<String> args) {
      Arguments parsed = new Arguments();
      List<Platform> platforms = new ArrayList<>();
      String repositoryText = null;
      String tagSuffix = null;
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
        if (!VALUE_OPTIONS.contains(name)) {
          if (inline != null && (name.equals("--help") || name.equals("--plain-http"))) {
            throw new UsageException(name + " takes no value, but got '" + inline + "'");
          }
          switch (name) {
            case "-h", "--help" -> parsed.help = true;
            case "--plain-http" -> parsed.plainHttp = true;
            default -> {
              if (arg.startsWith("-")) {
                throw new UsageException("unknown option " + name);
              }
              if (repositoryText != null) {
                throw new UsageException(
                    "more than one repository given: " + repositoryText + " and " + arg);
              }
              repositoryText = arg;
            }
          }
          continue;
        }

        String value = inline != null ? inline : IndexCommand.Arguments.value(args, ++i, name);
        switch (name) {
          case "--tag-glob" -> parsed.glob = glob(value);
          case "--docker-config" -> parsed.dockerConfig = Path.of(value);
          case "--span-size" ->
              parsed.options = parsed.options.withSpanSize(
                  IndexCommand.Arguments.positive(name, ByteSizes.parse(name, value)));
          case "--min-layer-size" ->
              parsed.options = parsed.options.withMinLayerSize(ByteSizes.parse(name, value));
          case "--platform" -> platforms.add(IndexCommand.Arguments.platform(value));
          case "--tag-suffix" -> tagSuffix = value;
          case "--soci-version" -> sociVersion = IndexCommand.Arguments.sociVersion(value);
          default -> throw new IllegalStateException("no handler for option " + name);
        }
      }
      if (parsed.help) {
        return parsed;
      }

      parsed.options = parsed.options.withPlatforms(platforms).withSociVersion(sociVersion);
      if (tagSuffix != null) {
        parsed.options = IndexCommand.Arguments.withSuffix(parsed.options, tagSuffix);
      }
      parsed.repository = repository(repositoryText);
      return parsed;
    }

    private static TagGlob glob(String value) {
      try {
        return new TagGlob(value);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }

    /** Parses a repository name, refusing a tag or digest, which a backfill does not take. */
    static Reference repository(String text) {
      if (text == null) {
        throw new UsageException("missing repository, such as 127.0.0.1:5000/app");
      }
      String lastSegment = text.substring(text.lastIndexOf('/') + 1);
      if (text.contains("@") || lastSegment.contains(":")) {
        throw new UsageException(
            "'" + text + "' names an image; give the repository without tag or digest, such as "
                + "127.0.0.1:5000/app, and select tags with --tag-glob");
      }
      try {
        return Reference.parse(text);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
  }
}
