package io.dbrestore.runtime.wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WaiterTest {
  /** A clock that only moves when the waiter sleeps. */
  static final class FakeTime extends Clock {
    Instant now = Instant.parse("2026-01-01T03:00:00Z");
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void sleep(Duration d) {
      sleeps.add(d);
      now = now.plus(d);
    }
  }

  private final FakeTime time = new FakeTime();
  private final Cancellation cancellation = new Cancellation();
  private final List<String> progress = new ArrayList<>();

  private Waiter waiter(Instant jobDeadline) {
    return new Waiter(
        cancellation, time, time::sleep, jobDeadline, Duration.ofMinutes(5), progress::add);
  }

  @Test
  void until_whenDone_returnsTheValueAndBacksOffWithACap() {
    int[] polls = {0};

    String value =
        waiter(null)
            .until(
                "cluster dev-app to become available",
                Duration.ofHours(2),
                new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), 2.0),
                () -> ++polls[0] < 8 ? Poll.pending("creating") : Poll.done("available"));

    assertThat(value).isEqualTo("available");
    assertThat(time.sleeps)
        .extracting(Duration::toSeconds)
        .containsExactly(5L, 10L, 20L, 40L, 60L, 60L, 60L);
  }

  @Test
  void until_logsOnStatusChangeAndOtherwiseAtMostEveryProgressInterval() {
    int[] polls = {0};

    waiter(null)
        .until(
            "snapshot snap-1",
            Duration.ofHours(2),
            new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(60), 1.0),
            () -> {
              polls[0]++;
              if (polls[0] <= 2) {
                return Poll.pending("pending");
              }
              return polls[0] < 14 ? Poll.pending("creating 40%") : Poll.done(true);
            });

    assertThat(progress)
        .containsExactly(
            "waiting for snapshot snap-1: pending after 0s",
            "waiting for snapshot snap-1: creating 40% after 2m",
            "waiting for snapshot snap-1: creating 40% after 7m",
            "waiting for snapshot snap-1: creating 40% after 12m",
            "done waiting for snapshot snap-1 after 13m");
  }

  @Test
  void until_whenTimedOut_throwsExit4WithTheLastStatus() {
    assertThatThrownBy(
            () ->
                waiter(null)
                    .until(
                        "volume vol-1 to attach",
                        Duration.ofMinutes(10),
                        Backoff.AWS_RESOURCE,
                        () -> Poll.pending("attaching")))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.TIMED_OUT))
        .hasMessageContaining("timed out waiting for volume vol-1 to attach")
        .hasMessageContaining("last status: attaching")
        .hasMessageContaining("gave up after 10m");
    assertThat(Duration.between(Instant.parse("2026-01-01T03:00:00Z"), time.now))
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void until_isBoundedByTheJobDeadline() {
    Instant deadline = time.now.plus(Duration.ofMinutes(3));

    assertThatThrownBy(
            () ->
                waiter(deadline)
                    .until(
                        "restore",
                        Duration.ofHours(5),
                        Backoff.AWS_RESOURCE,
                        () -> Poll.pending("creating")))
        .hasMessageContaining("the job's --timeout ran out");
    assertThat(time.now).isEqualTo(deadline);
  }

  @Test
  void until_failingCheck_propagatesItsJobException() {
    assertThatThrownBy(
            () ->
                waiter(null)
                    .until(
                        "restore",
                        Duration.ofHours(1),
                        Backoff.AWS_RESOURCE,
                        () -> {
                          throw JobException.refused("restore-failed", "restore failed");
                        }))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
  }

  @Test
  void cancellation_wakesARealWaitAtOnce() throws Exception {
    Waiter real = new Waiter(cancellation, Clock.systemUTC(), null);
    CompletableFuture<Object> waiting =
        CompletableFuture.supplyAsync(
            () ->
                real.until(
                    "forever",
                    Duration.ofHours(1),
                    new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(10), 1.0),
                    () -> Poll.pending("no")));
    Thread.sleep(200);
    long start = System.nanoTime();

    cancellation.cancel(Cancellation.Reason.SIGNAL, "stopped by SIGTERM");

    assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(JobException.class)
        .hasMessageContaining("stopped by SIGTERM");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
