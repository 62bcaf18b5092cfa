package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Waiter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the workflows do with the mongod on the instance, beside EC2: wait until it is ready, work
 * on the copy it serves, shut it down cleanly. {@link Mongod} does it over the wire protocol. In a
 * dry run the instance never serves the new copy, so {@link DryRunMongod} prints each step to the
 * plan instead and does no work on the copy.
 */
public interface MongodSteps {
  /**
   * Waits until mongod answers {@code ping} and lists its databases (it accepts connections and has
   * finished recovery), within {@code timeout}; exit 4 otherwise, 6 when cancelled.
   */
  void awaitReady(Waiter waiter, Duration timeout, Backoff backoff);

  /**
   * Does {@code work} on the copy mongod serves (reads its counts or masking records, masks it) and
   * returns its answer. A dry run prints {@code would <what>} and returns empty.
   */
  <T> Optional<T> onCopy(String what, Function<Mongod, T> work);

  /** A check of the copy that answers nothing but may refuse it; see {@link #onCopy}. */
  default void check(String what, Consumer<Mongod> check) {
    onCopy(
        what,
        m -> {
          check.accept(m);
          return Boolean.TRUE;
        });
  }

  /**
   * Flushes every write to disk and asks mongod to shut down, so that the volume is consistent when
   * the instance stops.
   */
  void flushAndShutdown();

  /**
   * What a copy about to be published holds beside its documents.
   *
   * @param databases every database mongod lists
   * @param localCollections the collections of {@code local} (none when it is not listed)
   * @param users every user of every database ({@code db.user}), from {@code usersInfo}
   * @param roles the user-defined roles of admin and of every listed database ({@code db.role})
   */
  record Inventory(
      List<String> databases,
      List<String> localCollections,
      List<String> users,
      List<String> roles) {}

  /** The copy's {@link Inventory}; a dry run prints {@code would <what>} and returns empty. */
  Optional<Inventory> inventory(String what);

  /**
   * Flushes every write to disk ({@code fsync}), then drops every user and every user-defined role
   * of {@code admin} and of {@code databases}, so that the copy carries no credentials. The user
   * this connects as is dropped too: mongod refuses it afterwards (its shutdown is then the
   * instance stop's).
   */
  void dropUsersAndRoles(Collection<String> databases);
}
