package io.dbrestore.runtime.snapshot;

import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Poll;
import io.dbrestore.runtime.wait.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How a development job chooses the masked snapshot it restores, whatever the storage (an RDS
 * cluster snapshot, an EBS snapshot): the newest finished one among the candidates, refused (exit
 * 3) when it is older than the night it should come from, so that a target keeps yesterday's data
 * rather than silently getting last week's.
 *
 * @param <S> the port's snapshot type
 */
public final class SnapshotChoice<S> {
  private final Function<S, String> name;
  private final Function<S, Instant> created;
  private final Predicate<S> finished;
  private final Clock clock;

  /**
   * @param name how the snapshot is named in messages
   * @param created when it was taken (null when unknown: never too old)
   * @param finished whether it can be restored (available, completed)
   */
  public SnapshotChoice(
      Function<S, String> name, Function<S, Instant> created, Predicate<S> finished, Clock clock) {
    this.name = Objects.requireNonNull(name);
    this.created = Objects.requireNonNull(created);
    this.finished = Objects.requireNonNull(finished);
    this.clock = Objects.requireNonNull(clock);
  }

  /** The newest finished snapshot among {@code candidates} (those of unknown age come last). */
  public Optional<S> newest(Collection<S> candidates) {
    return candidates.stream()
        .filter(finished)
        .max(
            Comparator.comparing(
                created, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())));
  }

  /**
   * The newest finished snapshot no older than {@code maxAge}, waiting for one when tonight's is
   * not there yet: a development restore scheduled while production still masks would otherwise
   * take yesterday's. Lists {@code candidates} again every {@code poll} until one is fresh or
   * {@code wait} has passed; then the newest is refused like {@link #requireFresh} (exit 3, the
   * target keeps its data), and no snapshot at all is {@code none}.
   *
   * @param wait how long to wait for a fresh one; zero looks once
   */
  public S awaitFresh(
      Supplier<Collection<S>> candidates,
      Duration maxAge,
      Duration wait,
      Duration poll,
      Waiter waiter,
      Supplier<JobException> none,
      String hint) {
    Instant giveUp = clock.instant().plus(wait);
    Optional<S> found =
        waiter.until(
            "a masked snapshot younger than --max-age "
                + human(maxAge)
                + " (--wait-for-snapshot "
                + human(wait)
                + ")",
            wait.plus(poll).plus(Duration.ofMinutes(1)),
            Backoff.startingAt(poll, poll, 1.0),
            () -> {
              Optional<S> newest = newest(candidates.get());
              if (newest.isPresent() && !tooOld(newest.get(), maxAge)) {
                return Poll.done(newest);
              }
              if (!clock.instant().isBefore(giveUp)) {
                return Poll.done(newest);
              }
              return Poll.pending(
                  newest
                      .map(
                          s ->
                              "the newest, " + name.apply(s) + ", is " + age(s).toHours() + "h old")
                      .orElse("none yet"));
            });
    return requireFresh(found.orElseThrow(none), maxAge, hint);
  }

  private boolean tooOld(S snapshot, Duration maxAge) {
    Duration age = age(snapshot);
    return maxAge != null && age != null && age.compareTo(maxAge) > 0;
  }

  private Duration age(S snapshot) {
    Instant at = created.apply(snapshot);
    return at == null ? null : Duration.between(at, clock.instant());
  }

  private static String human(Duration d) {
    if (d == null) {
      return "none";
    }
    if (d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
      return d.toHours() + "h";
    }
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
  }

  /**
   * Refuses (exit 3, {@code snapshot-too-old}) a snapshot older than {@code maxAge}; {@code hint}
   * says what to do. A null {@code maxAge} accepts any age.
   */
  public S requireFresh(S snapshot, Duration maxAge, String hint) {
    Instant at = created.apply(snapshot);
    if (maxAge == null || at == null) {
      return snapshot;
    }
    Duration age = Duration.between(at, clock.instant());
    if (age.compareTo(maxAge) > 0) {
      throw JobException.refused(
          "snapshot-too-old",
          "the newest masked snapshot "
              + name.apply(snapshot)
              + " is "
              + age.toHours()
              + "h old (--max-age "
              + maxAge.toHours()
              + "h); "
              + hint);
    }
    return snapshot;
  }
}
