package io.dbrestore.runtime.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.testing.MovingClock;
import io.dbrestore.runtime.wait.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SnapshotChoiceTest {
  static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");

  record Snap(String name, Instant created, boolean done) {}

  final SnapshotChoice<Snap> choice =
      new SnapshotChoice<>(Snap::name, Snap::created, Snap::done, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void newest_whenSeveral_isTheNewestFinishedOne() {
    Snap old = new Snap("old", NOW.minus(Duration.ofDays(2)), true);
    Snap fresh = new Snap("fresh", NOW.minus(Duration.ofHours(5)), true);
    Snap unfinished = new Snap("unfinished", NOW.minus(Duration.ofHours(1)), false);
    Snap undated = new Snap("undated", null, true);

    assertThat(choice.newest(List.of(old, unfinished, fresh, undated))).contains(fresh);
    assertThat(choice.newest(List.of(unfinished))).isEmpty();
  }

  @Test
  void requireFresh_whenOlderThanMaxAge_refusesWithTheAgeAndTheHint() {
    Snap s = new Snap("snap-1", NOW.minus(Duration.ofHours(40)), true);

    assertThatThrownBy(() -> choice.requireFresh(s, Duration.ofHours(36), "check the job"))
        .isInstanceOfSatisfying(
            JobException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
              assertThat(e.kind()).isEqualTo("snapshot-too-old");
            })
        .hasMessage("the newest masked snapshot snap-1 is 40h old (--max-age 36h); check the job");
  }

  @Test
  void requireFresh_whenYoungEnoughOrUndatedOrNoLimit_acceptsIt() {
    Snap young = new Snap("y", NOW.minus(Duration.ofHours(35)), true);
    Snap undated = new Snap("u", null, true);
    Snap ancient = new Snap("a", NOW.minus(Duration.ofDays(300)), true);

    assertThat(choice.requireFresh(young, Duration.ofHours(36), "")).isSameAs(young);
    assertThat(choice.requireFresh(undated, Duration.ofHours(36), "")).isSameAs(undated);
    assertThat(choice.requireFresh(ancient, null, "")).isSameAs(ancient);
  }

  // --- awaitFresh: development scheduled while production still masks -----------------------

  final MovingClock clock = new MovingClock(NOW);
  final List<String> progress = new ArrayList<>();
  final Waiter waiter =
      new Waiter(
          new Cancellation(), clock, clock::advance, null, Duration.ofHours(1), progress::add);
  final SnapshotChoice<Snap> waiting =
      new SnapshotChoice<>(Snap::name, Snap::created, Snap::done, clock);
  final Snap yesterdays = new Snap("yesterday", NOW.minus(Duration.ofHours(25)), true);
  static final Supplier<JobException> NONE = () -> JobException.refused("none", "no snapshot");

  @Test
  void awaitFresh_whenTonightsArrivesDuringTheWait_restoresTonights_notYesterdays() {
    List<Integer> lists = new ArrayList<>();
    Supplier<java.util.Collection<Snap>> candidates =
        () -> {
          lists.add(1);
          // Tonight's masked snapshot is finished 90 minutes into the wait.
          return clock.instant().isBefore(NOW.plus(Duration.ofMinutes(90)))
              ? List.of(yesterdays, new Snap("tonight", NOW.minus(Duration.ofMinutes(5)), false))
              : List.of(yesterdays, new Snap("tonight", NOW.minus(Duration.ofMinutes(5)), true));
        };

    Snap chosen =
        waiting.awaitFresh(
            candidates,
            Duration.ofHours(20),
            Duration.ofHours(3),
            Duration.ofMinutes(1),
            waiter,
            NONE,
            "hint");

    assertThat(chosen.name()).isEqualTo("tonight");
    assertThat(lists).hasSize(91);
    assertThat(progress.get(0))
        .isEqualTo(
            "waiting for a masked snapshot younger than --max-age 20h (--wait-for-snapshot 3h):"
                + " the newest, yesterday, is 25h old after 0s");
  }

  @Test
  void awaitFresh_whenNothingNewArrives_refusesYesterdaysAfterTheWait_withItsAge() {
    assertThatThrownBy(
            () ->
                waiting.awaitFresh(
                    () -> List.of(yesterdays),
                    Duration.ofHours(20),
                    Duration.ofHours(2),
                    Duration.ofMinutes(1),
                    waiter,
                    NONE,
                    "the target keeps its data"))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("snapshot-too-old"))
        .hasMessage(
            "the newest masked snapshot yesterday is 27h old (--max-age 20h); the target keeps its"
                + " data");
    assertThat(clock.instant()).isEqualTo(NOW.plus(Duration.ofHours(2)));
  }

  @Test
  void awaitFresh_withoutWaiting_looksOnce() {
    List<Integer> lists = new ArrayList<>();

    assertThatThrownBy(
            () ->
                waiting.awaitFresh(
                    () -> {
                      lists.add(1);
                      return List.of(yesterdays);
                    },
                    Duration.ofHours(20),
                    Duration.ZERO,
                    Duration.ofMinutes(1),
                    waiter,
                    NONE,
                    ""))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("snapshot-too-old"));
    assertThat(lists).hasSize(1);
    assertThat(clock.instant()).isEqualTo(NOW);
  }

  @Test
  void awaitFresh_whenAFreshOneIsThere_takesItAtOnce_andWhenNoneEver_isNone() {
    Snap fresh = new Snap("fresh", NOW.minus(Duration.ofHours(2)), true);
    assertThat(
            waiting.awaitFresh(
                () -> List.of(yesterdays, fresh),
                Duration.ofHours(20),
                Duration.ofHours(3),
                Duration.ofMinutes(1),
                waiter,
                NONE,
                ""))
        .isSameAs(fresh);
    assertThat(clock.instant()).isEqualTo(NOW);

    assertThatThrownBy(
            () ->
                waiting.awaitFresh(
                    List::of,
                    Duration.ofHours(20),
                    Duration.ofMinutes(30),
                    Duration.ofMinutes(1),
                    waiter,
                    NONE,
                    ""))
        .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.kind()).isEqualTo("none"));
    assertThat(clock.instant()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
  }
}
