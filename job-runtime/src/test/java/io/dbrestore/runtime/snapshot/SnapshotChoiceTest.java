package io.dbrestore.runtime.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
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
}
