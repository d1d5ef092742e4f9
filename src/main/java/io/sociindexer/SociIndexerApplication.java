package io.sociindexer;

import io.sociindexer.cli.IndexCommand;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point. {@code index ...} runs the command line without starting Spring, so a one-off
 * indexing run starts fast; no arguments (or only Spring options) start the service.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SociIndexerApplication {

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("index")) {
      System.setProperty("logback.configurationFile", "logback-cli.xml");
      List<String> rest = Arrays.asList(args).subList(1, args.length);
      System.exit(new IndexCommand(System.out, System.err).run(rest));
    }
    SpringApplication.run(SociIndexerApplication.class, args);
  }
}
