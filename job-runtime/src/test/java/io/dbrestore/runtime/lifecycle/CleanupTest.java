package io.dbrestore.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Poll;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CleanupTest {
  static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Duration GRACE = Duration.ofSeconds(20);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void budget_whenNotCancelled_isTheGivenOne() {
    assertThat(Cleanup.budget(new Cancellation(), GRACE, Duration.ofMinutes(30)))
        .isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void budget_whenCancelled_fitsIntoTheGracePeriod() {
    Cancellation cancelled = new Cancellation();
    cancelled.cancel(Cancellation.Reason.SIGNAL, "SIGTERM");

    assertThat(Cleanup.budget(cancelled, GRACE, Duration.ofMinutes(30)))
        .isEqualTo(Duration.ofSeconds(12));
    assertThat(Cleanup.budget(cancelled, GRACE, Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(Cleanup.budget(cancelled, Duration.ofSeconds(3), Duration.ofMinutes(1)))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void run_whenTheThreadWasInterrupted_clearsItForTheActionAndRestoresIt() {
    Thread.currentThread().interrupt();
    AtomicBoolean seenInside = new AtomicBoolean(true);

    boolean ok =
        Cleanup.start(new Cancellation(), CLOCK, GRACE, Duration.ofMinutes(1))
            .run("put things back", () -> seenInside.set(Thread.currentThread().isInterrupted()));

    assertThat(ok).isTrue();
    assertThat(seenInside).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void run_whenTheActionFails_returnsFalseAndRestoresTheInterrupt() {
    Thread.currentThread().interrupt();

    boolean ok =
        Cleanup.start(new Cancellation(), CLOCK, GRACE, Duration.ofMinutes(1))
            .run(
                "put things back",
                () -> {
                  throw new IllegalStateException("AWS said no");
                });

    assertThat(ok).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void call_whenTheActionFails_throwsAndRestoresTheInterrupt() {
    Thread.currentThread().interrupt();
    Cleanup cleanup = Cleanup.start(new Cancellation(), CLOCK, GRACE, Duration.ofMinutes(1));

    assertThatThrownBy(
            () ->
                cleanup.call(
                    () -> {
                      throw new IllegalStateException("AWS said no");
                    }))
        .hasMessage("AWS said no");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void waiter_whenTheRunIsCancelled_keepsWaitingWithinItsBudget() {
    Cancellation run = new Cancellation();
    run.cancel(Cancellation.Reason.EXECUTION_STOPPED, "execution stopped");
    Cleanup cleanup = Cleanup.start(run, Clock.systemUTC(), GRACE, Duration.ofSeconds(5));
    AtomicInteger polls = new AtomicInteger();

    String done =
        cleanup
            .waiter()
            .until(
                "the old volume to be attached",
                Duration.ofMinutes(1),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1.0),
                () -> polls.incrementAndGet() < 3 ? Poll.pending("attaching") : Poll.done("ok"));

    assertThat(done).isEqualTo("ok");
    assertThat(polls).hasValue(3);
    assertThat(cleanup.end()).isBefore(Instant.now().plusSeconds(6));
  }

  @Test
  void run_whenTheRunIsCancelledDuringTheCleanup_isNotInterruptedAndTheInterruptFollows()
      throws Exception {
    Cancellation run = new Cancellation();
    run.bindJobThread(Thread.currentThread());
    Cleanup cleanup = Cleanup.start(run, CLOCK, GRACE, Duration.ofMinutes(1));
    AtomicBoolean interruptedInside = new AtomicBoolean();

    boolean ok =
        cleanup.run(
            "cancel what the run started",
            () -> {
              Thread stopper = new Thread(() -> run.cancel(Cancellation.Reason.SIGNAL, "SIGTERM"));
              stopper.start();
              try {
                stopper.join();
                Thread.sleep(50); // a blocking call of the cleanup: it must not be interrupted
              } catch (InterruptedException e) {
                interruptedInside.set(true);
              }
            });

    assertThat(ok).isTrue();
    assertThat(interruptedInside).isFalse();
    assertThat(run.isCancelled()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void run_whenNestedAndCancelledInside_theOuterCleanupIsNotInterruptedEither() throws Exception {
    Cancellation run = new Cancellation();
    run.bindJobThread(Thread.currentThread());
    Cleanup cleanup = Cleanup.start(run, CLOCK, GRACE, Duration.ofMinutes(1));
    AtomicBoolean interruptedAfterInner = new AtomicBoolean();

    cleanup.run(
        "outer",
        () -> {
          cleanup.run("inner", () -> run.cancel(Cancellation.Reason.SIGNAL, "SIGTERM"));
          interruptedAfterInner.set(Thread.currentThread().isInterrupted());
        });

    assertThat(interruptedAfterInner).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void cancel_whenNoCleanupRuns_interruptsTheJobThread() {
    Cancellation run = new Cancellation();
    run.bindJobThread(Thread.currentThread());

    run.cancel(Cancellation.Reason.SIGNAL, "SIGTERM");

    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }
}
