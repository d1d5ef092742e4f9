package io.sociindexer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class RegistryExceptionTest {

  @Test
  void plainMessageDropsClassName() {
    assertThat(RegistryException.plainMessage(new ConnectException("Failed to connect to /127.0.0.1:5055")))
        .isEqualTo("failed to connect to 127.0.0.1:5055");
  }

  @Test
  void plainMessageKeepsAcronym() {
    assertThat(RegistryException.plainMessage(new SSLException("SSL peer shut down incorrectly")))
        .isEqualTo("SSL peer shut down incorrectly");
  }

  @Test
  void plainMessageWithoutMessage() {
    assertThat(RegistryException.plainMessage(new IOException())).isEqualTo("IOException");
  }

  @Test
  void noResponseDetailHasNoClassName() {
    RegistryException.Context context =
        new RegistryException.Context(
            "fetch manifest", "fetch manifest 127.0.0.1:5055/app:1", "127.0.0.1:5055/app:1",
            "127.0.0.1:5055", "GET", null);
    ConnectException cause = new ConnectException("Failed to connect to /127.0.0.1:5055");

    RegistryException e =
        new RegistryException(context, 0, RegistryException.plainMessage(cause), cause);

    assertThat(e.getMessage())
        .isEqualTo("fetch manifest 127.0.0.1:5055/app:1 failed: failed to connect to 127.0.0.1:5055");
  }
}
