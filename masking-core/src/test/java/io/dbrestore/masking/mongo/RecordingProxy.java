package io.dbrestore.masking.mongo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of a server on 127.0.0.1 that records every byte a client sends
 * to the server, per connection, in order: an oracle of what crossed that does not trust the code
 * that sent it. Tests only; it keeps everything in memory.
 */
final class RecordingProxy implements AutoCloseable {
  private static final Charset ISO = StandardCharsets.ISO_8859_1;

  private final int targetPort;
  private final ServerSocket listener;
  private final List<ByteArrayOutputStream> sent = new ArrayList<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  RecordingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    Thread acceptor = new Thread(this::accept, "recording-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A connection string to the server through the proxy. */
  String uri() {
    return "mongodb://127.0.0.1:" + listener.getLocalPort() + "/?retryWrites=false";
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        synchronized (sent) {
          sent.add(record);
        }
        pump(client.getInputStream(), server.getOutputStream(), record);
        pump(server.getInputStream(), client.getOutputStream(), null);
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private void pump(InputStream in, OutputStream out, ByteArrayOutputStream record) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  if (record != null) {
                    synchronized (record) {
                      record.write(buffer, 0, n);
                    }
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // The other side closed: the connection is over.
              } finally {
                try {
                  out.close();
                } catch (IOException ignored) {
                  // closing anyway
                }
              }
            },
            "recording-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Every byte sent to the server so far, connection by connection. */
  List<byte[]> sent() {
    List<byte[]> result = new ArrayList<>();
    synchronized (sent) {
      for (ByteArrayOutputStream record : sent) {
        synchronized (record) {
          result.add(record.toByteArray());
        }
      }
    }
    return result;
  }

  /** Shortest needle {@link #found} looks for, in UTF-8 bytes. */
  static final int MIN_NEEDLE = 6;

  /**
   * The needles (in UTF-8) that were sent to the server on any connection. One pass over the bytes
   * per connection: each window of {@link #MIN_NEEDLE} bytes is looked up among the needles' first
   * bytes, and a hit is compared whole.
   */
  Set<String> found(Collection<String> needles) {
    Map<String, List<String>> byPrefix = new HashMap<>();
    for (String needle : needles) {
      String bytes = new String(needle.getBytes(StandardCharsets.UTF_8), ISO);
      if (bytes.length() < MIN_NEEDLE) {
        throw new IllegalArgumentException("needle shorter than " + MIN_NEEDLE + " bytes");
      }
      byPrefix.computeIfAbsent(bytes.substring(0, MIN_NEEDLE), k -> new ArrayList<>()).add(needle);
    }
    Set<String> found = new LinkedHashSet<>();
    for (byte[] connection : sent()) {
      String haystack = new String(connection, ISO);
      for (int i = 0; i + MIN_NEEDLE <= haystack.length(); i++) {
        List<String> candidates = byPrefix.get(haystack.substring(i, i + MIN_NEEDLE));
        if (candidates == null) {
          continue;
        }
        for (String needle : candidates) {
          String bytes = new String(needle.getBytes(StandardCharsets.UTF_8), ISO);
          if (haystack.startsWith(bytes, i)) {
            found.add(needle);
          }
        }
      }
    }
    return found;
  }

  /** Total bytes sent to the server. */
  long bytesSent() {
    return sent().stream().mapToLong(b -> b.length).sum();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
