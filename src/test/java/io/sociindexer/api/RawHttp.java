package io.sociindexer.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Raw HTTP/1.1 exchanges with the service on 127.0.0.1, for requests that {@link TestHttp} cannot
 * make: a body shorter than its Content-Length, or a chunked body that never ends. Each exchange
 * writes on a separate thread and returns what the server sent back, so a test can see a reply
 * that arrives before the request is complete.
 */
public final class RawHttp {

  private static final int READ_TIMEOUT_MILLIS = 15_000;

  private RawHttp() {}

  /** A reply: its status code and the whole response text (headers and body). */
  public record Reply(int status, String text) {}

  /**
   * Sends {@code head} (request line and headers, without the blank line), then {@code body}, and
   * returns the reply without closing the request. Write errors after the reply started, such as a
   * reset when the server closes the connection, are ignored.
   */
  public static Reply exchange(int port, String head, byte[] body) throws IOException {
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeQuietly(out, body));

      Reply reply = read(socket.getInputStream());
      writer.cancel(true);
      return reply;
    }
  }

  /** Returns {@code size} bytes in chunked transfer coding, in 8 KiB chunks, without the last chunk. */
  public static byte[] openChunks(int size) {
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    byte[] chunk = " ".repeat(8192).getBytes(StandardCharsets.US_ASCII);
    for (int written = 0; written < size; written += chunk.length) {
      chunks.writeBytes(("2000\r\n").getBytes(StandardCharsets.US_ASCII));
      chunks.writeBytes(chunk);
      chunks.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return chunks.toByteArray();
  }

  private static void writeQuietly(OutputStream out, byte[] body) {
    try {
      out.write(body);
      out.flush();
    } catch (IOException closedByServer) {
      // The server may reply and close before it has read the whole body; the reply is what counts.
    }
  }

  /** Reads the status line, the headers and as much of the body as Content-Length names. */
  private static Reply read(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    int headEnd = -1;
    try {
      while (headEnd < 0) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        received.write(b);
        headEnd = received.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
      }
    } catch (SocketException reset) {
      // A reset after the head still leaves what was received.
    }
    String head = received.toString(StandardCharsets.ISO_8859_1);
    if (!head.startsWith("HTTP/1.1 ")) {
      throw new IOException("no HTTP reply, received: " + head);
    }

    int length = contentLength(head);
    byte[] body = length > 0 ? in.readNBytes(length) : new byte[0];
    int status = Integer.parseInt(head.substring(9, 12));
    return new Reply(status, head + new String(body, StandardCharsets.UTF_8));
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        return Integer.parseInt(line.substring(15).strip());
      }
    }
    return 0;
  }
}
