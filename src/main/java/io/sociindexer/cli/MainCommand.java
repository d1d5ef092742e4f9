package io.sociindexer.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

/**
 * Routes the process arguments: {@code index ...} runs {@link IndexCommand}, {@code backfill ...}
 * runs {@link BackfillCommand}, help options print the top-level usage, and no arguments or only
 * {@code --name=value} options start the service. Any other first argument is an unknown command.
 */
public final class MainCommand {

  static final String USAGE =
      """
      Usage:
        soci-indexer index REFERENCE [options]      index one image in a registry
        soci-indexer index --oci-layout DIR ...     index an image in an OCI image layout
        soci-indexer backfill REPOSITORY [options]  index a repository's tags not indexed yet
        soci-indexer [--name=value ...]             run the indexing service
        soci-indexer help [COMMAND]                 print this help, or the help of a command

      Commands:
        index     builds zTOCs and a SOCI index for one image and exits;
                  run 'soci-indexer index --help' for its options
        backfill  lists the tags of a repository that match a glob and indexes those
                  not indexed yet; run 'soci-indexer backfill --help' for its options

      With no command, soci-indexer runs the service (HTTP API, registry notifications and
      workers) until it is stopped. Options of the form --name=value set Spring Boot
      properties, for example --server.port=9090 or --soci-indexer.workers.count=2.

      Exit status of a command: 0 on success, 1 on failure, 2 on usage errors.
      """;

  private final PrintStream out;
  private final PrintStream err;

  public MainCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the command that {@code args} name.
   *
   * @return the process exit status, or empty when the arguments ask for the service, which the
   *     caller starts with the same arguments
   */
  public OptionalInt run(List<String> args) {
    if (startsService(args)) {
      return OptionalInt.empty();
    }

    String command = args.getFirst();
    List<String> rest = args.subList(1, args.size());
    return OptionalInt.of(
        switch (command) {
          case "index" -> new IndexCommand(out, err).run(rest);
          case "backfill" -> new BackfillCommand(out, err).run(rest);
          case "help", "-h", "--help" -> help(rest);
          default -> unknown(command);
        });
  }

  /** Returns whether {@code args} start the service: none at all, or options only, help excepted. */
  public static boolean startsService(List<String> args) {
    if (args.isEmpty()) {
      return true;
    }
    String first = args.getFirst();
    return first.startsWith("--") && !first.equals("--help");
  }

  private int help(List<String> rest) {
    if (!rest.isEmpty() && rest.getFirst().equals("index")) {
      out.print(IndexCommand.USAGE);
      return 0;
    }
    if (!rest.isEmpty() && rest.getFirst().equals("backfill")) {
      out.print(BackfillCommand.USAGE);
      return 0;
    }
    out.print(USAGE);
    return 0;
  }

  private int unknown(String command) {
    err.println("soci-indexer: unknown command '" + command + "'");
    err.println("Run 'soci-indexer --help' for the commands.");
    return 2;
  }
}
