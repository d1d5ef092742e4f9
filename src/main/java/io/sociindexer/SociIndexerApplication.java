package io.sociindexer;

import io.sociindexer.cli.MainCommand;
import java.util.List;
import java.util.OptionalInt;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point. A command such as {@code index ...} or {@code --help} runs without starting
 * Spring, so a one-off run starts fast and exits; no arguments, or only {@code --name=value}
 * Spring options, start the service. {@link MainCommand} decides which.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SociIndexerApplication {

  public static void main(String[] args) {
    OptionalInt status = OptionalInt.empty();
    if (!MainCommand.startsService(List.of(args))) {
      System.setProperty("logback.configurationFile", "logback-cli.xml");
      status = new MainCommand(System.out, System.err).run(List.of(args));
    }
    if (status.isPresent()) {
      System.exit(status.getAsInt());
    }
    SpringApplication.run(SociIndexerApplication.class, args);
  }
}
