package io.sociindexer.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

/**
 * Starts the whole service on a random port of 127.0.0.1 with an {@link InMemoryJobStore}, an
 * in-memory H2 database in place of the data directory, and no workers, so no test job reaches a
 * registry. The registry allow-list names the hosts that intake fixtures use; no request is sent
 * to them. API requests need the token {@link TestHttp#API_TOKEN}; use {@link
 * TestHttp#authenticated}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.datasource.url=jdbc:h2:mem:intake;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
      "soci-indexer.workers.count=0",
      "soci-indexer.registries.allowed=127.0.0.1:5000,docker.io,*.example,*.example.com",
      "soci-indexer.api.tokens=" + TestHttp.API_TOKEN
    })
@Import(IntakeTestConfiguration.class)
public @interface IntakeServiceTest {}
