package io.dbrestore.atlas.api;

import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.lifecycle.Cleanup;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request of a cleanup (cancelling the restore job after a stop) goes through the runtime's
 * cleanup, which shields it from the interrupt of a cancellation that arrives while it is under
 * way: it gets its answer, and the interrupt follows afterwards.
 */
class CleanupRequestTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(WireMockConfiguration.options().dynamicPort())
          .build();

  private static final String PATH = "/api/atlas/v2/restoreJobs/1";

  private final Cancellation run = new Cancellation();

  @AfterEach
  void unbind() {
    run.unbindJobThread();
    Thread.interrupted();
  }

  @Test
  void sendOnce_inTheCleanup_getsItsAnswerThoughTheRunIsCancelledMeanwhile() {
    wm.stubFor(delete(urlEqualTo(PATH)).willReturn(okJson("{\"n\":1}").withFixedDelay(200)));
    AtlasTransport transport =
        new AtlasTransport(
            URI.create(wm.baseUrl()),
            new CancelsTheRun(),
            AtlasTransport.Retry.standard(Duration.ofMillis(10)),
            run,
            "test");
    run.bindJobThread(Thread.currentThread());
    AtomicReference<JsonNode> answer = new AtomicReference<>();

    boolean done =
        Cleanup.start(run, Clock.systemUTC(), Duration.ofSeconds(20), Duration.ofSeconds(5))
            .run(
                "cancel the restore job",
                () ->
                    answer.set(
                        transport.sendOnce(
                            AtlasTransport.Request.delete(PATH, "application/json"),
                            Duration.ofSeconds(5))));

    assertThat(done).isTrue();
    assertThat(answer.get().path("n").asInt()).isEqualTo(1);
    assertThat(run.isCancelled()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    wm.verify(exactly(1), deleteRequestedFor(urlEqualTo(PATH)));
  }

  /**
   * No credentials; asked for them, right before the request is sent, it has the run cancelled from
   * another thread (as SIGTERM or a stopped execution would) and waits until that is done.
   */
  private final class CancelsTheRun implements AtlasAuth {
    @Override
    public String authorization(String method, String requestTarget) {
      Thread stopper = new Thread(() -> run.cancel(Cancellation.Reason.SIGNAL, "SIGTERM"));
      stopper.start();
      try {
        stopper.join();
      } catch (InterruptedException e) {
        throw new AssertionError("the cleanup was interrupted", e);
      }
      return null;
    }

    @Override
    public boolean retryAfterUnauthorized(HttpResponse<?> response) {
      return false;
    }

    @Override
    public String kind() {
      return "no credentials";
    }
  }
}
