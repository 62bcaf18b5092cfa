package io.dbrestore.runtime.snapshot;

import io.dbrestore.runtime.error.JobException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

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
