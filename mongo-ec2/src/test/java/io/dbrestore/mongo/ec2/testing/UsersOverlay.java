package io.dbrestore.mongo.ec2.testing;

import com.mongodb.client.MongoClient;
import io.dbrestore.mongo.ec2.Mongod;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A real wire-protocol mongod (the in-process server) with users and roles kept beside it: the
 * in-process server has no {@code usersInfo}, {@code rolesInfo} or {@code dropAll…FromDatabase}, so
 * this overlay answers them and records every drop. Once the user it connects as is dropped, it
 * refuses the shutdown the way mongod refuses a client whose user is gone.
 */
public final class UsersOverlay implements MongodSteps {
  private final Mongod mongod;
  private final Set<String> users = new LinkedHashSet<>();
  private final Set<String> roles = new LinkedHashSet<>();
  private final List<List<String>> drops = new ArrayList<>();
  private final String connectsAs;
  private boolean dropIgnoresAdmin;
  private int shutdowns;

  /**
   * @param connectsAs the user ({@code db.user}) this mongod is reached as, e.g. the temporary copy
   *     user the instance's boot script creates; it exists from the start
   */
  public UsersOverlay(Mongod mongod, String connectsAs) {
    this.mongod = mongod;
    this.connectsAs = connectsAs;
    users.add(connectsAs);
  }

  public UsersOverlay addUser(String dbUser) {
    users.add(dbUser);
    return this;
  }

  public UsersOverlay addRole(String dbRole) {
    roles.add(dbRole);
    return this;
  }

  /** A broken drop: it leaves admin's users and roles (for the proof to catch). */
  public UsersOverlay dropIgnoresAdmin() {
    dropIgnoresAdmin = true;
    return this;
  }

  public Set<String> users() {
    return Set.copyOf(users);
  }

  /** The databases of each {@link #dropUsersAndRoles} call, in order. */
  public List<List<String>> drops() {
    return List.copyOf(drops);
  }

  /** How many shutdowns mongod accepted. */
  public int shutdowns() {
    return shutdowns;
  }

  /** A client of the mongod underneath (tests read and write the copy through it). */
  public MongoClient connect() {
    return mongod.connect();
  }

  @Override
  public void awaitReady(Waiter waiter, Duration timeout, Backoff backoff) {
    mongod.awaitReady(waiter, timeout, backoff);
  }

  @Override
  public <T> Optional<T> onCopy(String what, Function<Mongod, T> work) {
    return mongod.onCopy(what, work);
  }

  @Override
  public void flushAndShutdown() {
    if (!users.contains(connectsAs)) {
      throw new IllegalStateException(
          "Command failed with error 13 (Unauthorized): user " + connectsAs + " is gone");
    }
    shutdowns++;
  }

  @Override
  public Optional<Inventory> inventory(String what) {
    try (MongoClient client = mongod.connect()) {
      List<String> databases = client.listDatabaseNames().into(new ArrayList<>());
      List<String> local =
          databases.contains("local")
              ? client.getDatabase("local").listCollectionNames().into(new ArrayList<>())
              : List.of();
      return Optional.of(new Inventory(databases, local, List.copyOf(users), List.copyOf(roles)));
    }
  }

  @Override
  public void dropUsersAndRoles(Collection<String> databases) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(databases));
    if (!dropIgnoresAdmin) {
      all.add(0, "admin");
    }
    drops.add(List.copyOf(all));
    users.removeIf(u -> all.contains(u.substring(0, u.indexOf('.'))));
    roles.removeIf(r -> all.contains(r.substring(0, r.indexOf('.'))));
  }
}
