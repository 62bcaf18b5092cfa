package io.dbrestore.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 in front of a server on 127.0.0.1 that adds a round-trip delay: bytes
 * from the client go to the server at once; every chunk of bytes from the server is handed to the
 * client {@code delay} after it arrived. So each request/response exchange takes at least {@code
 * delay} longer, like a network with that round-trip time (the whole round trip is charged to the
 * server→client direction).
 *
 * <p>Each connection has three threads: client→server, server→reader and a writer that delivers the
 * queued server chunks to the client when they are due. The delay is the same for every chunk, so
 * due times only grow and a FIFO queue keeps the byte order of the connection. It listens and
 * connects only on the loopback interface, and {@link #close()} ends every connection.
 */
public final class LatencyProxy implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final int targetPort;
  private final long delayNanos;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Starts a proxy on a free port of 127.0.0.1 for the server on {@code 127.0.0.1:targetPort}.
   *
   * @param delayNanos the delay added to every server→client chunk; 0 forwards at once
   */
  public static LatencyProxy start(int targetPort, long delayNanos) throws IOException {
    return new LatencyProxy(targetPort, delayNanos);
  }

  /** The delay for a round-trip time in milliseconds (fractions allowed). */
  public static long nanosOfMillis(double millis) {
    if (!(millis >= 0) || millis > 10_000) {
      throw new IllegalArgumentException("round-trip time must be 0..10000 ms, got " + millis);
    }
    return Math.round(millis * 1_000_000);
  }

  private LatencyProxy(int targetPort, long delayNanos) throws IOException {
    if (delayNanos < 0) {
      throw new IllegalArgumentException("negative delay");
    }
    this.targetPort = targetPort;
    this.delayNanos = delayNanos;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    this.acceptor = new Thread(this::acceptLoop, "latency-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port clients connect to, on 127.0.0.1. */
  public int port() {
    return listener.getLocalPort();
  }

  /** How many client connections it has accepted so far. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      accepted.incrementAndGet();
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        Connection c = new Connection(client, server);
        connections.add(c);
        if (closed) {
          c.close();
        } else {
          c.start();
        }
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    for (Connection c : connections) {
      c.close();
    }
    connections.clear();
    try {
      acceptor.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  /** Bytes from the server and when the client may have them. */
  private record Chunk(long due, byte[] bytes) {}

  private static final Chunk END = new Chunk(0, new byte[0]);

  private final class Connection {
    private final Socket client;
    private final Socket server;
    private final BlockingQueue<Chunk> toClient = new LinkedBlockingQueue<>();
    private final Thread up;
    private final Thread downReader;
    private final Thread downWriter;
    private final AtomicInteger open = new AtomicInteger(3);

    Connection(Socket client, Socket server) throws IOException {
      this.client = client;
      this.server = server;
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      int id = accepted.get();
      up = daemon(this::clientToServer, "latency-proxy-" + id + "-up");
      downReader = daemon(this::serverToQueue, "latency-proxy-" + id + "-down-read");
      downWriter = daemon(this::queueToClient, "latency-proxy-" + id + "-down-write");
    }

    void start() {
      up.start();
      downReader.start();
      downWriter.start();
    }

    private Thread daemon(Runnable r, String name) {
      Thread t =
          new Thread(
              () -> {
                try {
                  r.run();
                } finally {
                  if (open.decrementAndGet() == 0) {
                    connections.remove(this);
                  }
                }
              },
              name);
      t.setDaemon(true);
      return t;
    }

    private void clientToServer() {
      byte[] buffer = new byte[BUFFER];
      try (InputStream in = client.getInputStream();
          OutputStream out = server.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
        server.shutdownOutput();
      } catch (IOException e) {
        close();
      }
    }

    private void serverToQueue() {
      byte[] buffer = new byte[BUFFER];
      try {
        InputStream in = server.getInputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          toClient.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
        }
      } catch (IOException e) {
        // the connection is gone; the writer ends it
      } finally {
        toClient.add(END);
      }
    }

    private void queueToClient() {
      try {
        OutputStream out = client.getOutputStream();
        while (true) {
          Chunk c = toClient.take();
          if (c == END) {
            break;
          }
          long wait;
          while ((wait = c.due() - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
              return;
            }
          }
          out.write(c.bytes());
          // Whatever else is already due goes out in the same write.
          Chunk next;
          while ((next = toClient.peek()) != null
              && next != END
              && next.due() <= System.nanoTime()) {
            toClient.poll();
            out.write(next.bytes());
          }
          out.flush();
        }
        client.shutdownOutput();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client went away
      } finally {
        close();
      }
    }

    void close() {
      closeQuietly(client);
      closeQuietly(server);
      up.interrupt();
      downWriter.interrupt();
    }
  }
}
