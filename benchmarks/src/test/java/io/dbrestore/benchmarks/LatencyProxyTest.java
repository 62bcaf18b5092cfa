package io.dbrestore.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LatencyProxyTest {
  private ServerSocket echo;
  private Thread echoThread;

  /** An echo server on 127.0.0.1: every connection gets back what it sends. */
  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread t =
                      new Thread(
                          () -> {
                            try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                              in.transferTo(out);
                            } catch (IOException e) {
                              // connection closed
                            }
                          });
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    echoThread.setDaemon(true);
    echoThread.start();
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
  }

  private static byte[] roundTrip(Socket s, byte[] message) throws IOException {
    s.getOutputStream().write(message);
    s.getOutputStream().flush();
    byte[] back = new byte[message.length];
    new DataInputStream(s.getInputStream()).readFully(back);
    return back;
  }

  @Test
  void forwardsBytesBothWaysAndAddsTheDelayToEachRoundTrip() throws IOException {
    long delay = LatencyProxy.nanosOfMillis(25);
    try (LatencyProxy proxy = LatencyProxy.start(echo.getLocalPort(), delay);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      s.setTcpNoDelay(true);
      for (int i = 0; i < 3; i++) {
        byte[] message = ("hello " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        byte[] back = roundTrip(s, message);
        long elapsed = System.nanoTime() - t0;
        assertThat(back).isEqualTo(message);
        assertThat(elapsed).isGreaterThanOrEqualTo(delay);
      }
      assertThat(proxy.connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void keepsTheOrderOfLargePayloadsOnManyConnections() throws Exception {
    byte[] payload = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    try (LatencyProxy proxy =
        LatencyProxy.start(echo.getLocalPort(), LatencyProxy.nanosOfMillis(1))) {
      Thread[] clients = new Thread[8];
      Throwable[] failures = new Throwable[clients.length];
      for (int c = 0; c < clients.length; c++) {
        int index = c;
        clients[c] =
            new Thread(
                () -> {
                  try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                    // Write from another thread: the echo sends back while we are still sending.
                    Thread writer =
                        new Thread(
                            () -> {
                              try {
                                s.getOutputStream().write(payload);
                                s.getOutputStream().flush();
                              } catch (IOException e) {
                                failures[index] = e;
                              }
                            });
                    writer.start();
                    byte[] back = new byte[payload.length];
                    new DataInputStream(s.getInputStream()).readFully(back);
                    writer.join();
                    assertThat(back).isEqualTo(payload);
                  } catch (Throwable t) {
                    failures[index] = t;
                  }
                });
        clients[c].start();
      }
      for (Thread t : clients) {
        t.join(20_000);
      }
      for (Throwable f : failures) {
        assertThat(f).isNull();
      }
      assertThat(proxy.connectionsAccepted()).isEqualTo(clients.length);
    }
  }

  @Test
  void closingTheProxyEndsItsConnections() throws IOException {
    LatencyProxy proxy = LatencyProxy.start(echo.getLocalPort(), 0);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      assertThat(roundTrip(s, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
      proxy.close();
      s.setSoTimeout(5_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }
}
