package io.sociindexer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point: runs the service, or a command when the first argument names one. */
@SpringBootApplication
public class SociIndexerApplication {

  public static void main(String[] args) {
    SpringApplication.run(SociIndexerApplication.class, args);
  }
}
