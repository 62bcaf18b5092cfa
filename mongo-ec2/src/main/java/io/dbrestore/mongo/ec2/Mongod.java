package io.dbrestore.mongo.ec2;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Poll;
import io.dbrestore.runtime.wait.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mongod on the instance, seen through its wire protocol: is it ready, what does it hold, and a
 * clean shutdown before its volume is snapshotted.
 */
public final class Mongod implements MongodSteps {
  private static final Logger LOG = LoggerFactory.getLogger(Mongod.class);

  private final ConnectionString uri;

  private Mongod(ConnectionString uri) {
    this.uri = uri;
  }

  /** Parses {@code --mongo-uri}; a malformed one is exit 2 before anything is touched. */
  public static Mongod of(String uri) {
    return of("--mongo-uri", uri);
  }

  /** Parses the URI that {@code option} gave; a malformed one is exit 2. */
  public static Mongod of(String option, String uri) {
    return new Mongod(connectionString(option, uri));
  }

  /**
   * Parses the value of {@code option} as a MongoDB connection string (exit 2 when it is not one)
   * and registers its password as a secret, so that no log line shows it.
   */
  public static ConnectionString connectionString(String option, String uri) {
    ConnectionString connection;
    try {
      connection = new ConnectionString(uri);
    } catch (IllegalArgumentException e) {
      throw JobException.invalidInput(
          option + " is not a MongoDB connection string: " + e.getMessage());
    }
    if (connection.getPassword() != null) {
      Redactor.registerSecret(new String(connection.getPassword()));
    }
    return connection;
  }

  /** Where mongod listens, for messages. */
  public String hosts() {
    return String.join(",", uri.getHosts());
  }

  /** A client that gives up quickly: readiness is polled, not waited for inside the driver. */
  public MongoClient connect(Duration selectionTimeout) {
    return MongoClients.create(
        MongoClientSettings.builder()
            .applyConnectionString(uri)
            .applyToSocketSettings(
                s ->
                    s.connectTimeout((int) selectionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout(10, TimeUnit.MINUTES))
            .applyToClusterSettings(
                s -> s.serverSelectionTimeout(selectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
            .build());
  }

  public MongoClient connect() {
    return connect(Duration.ofSeconds(30));
  }

  @Override
  public void awaitReady(Waiter waiter, Duration timeout, Backoff backoff) {
    waiter.until(
        "mongod at " + hosts() + " to accept connections",
        timeout,
        backoff,
        () -> {
          try (MongoClient client = connect(Duration.ofSeconds(5))) {
            client.getDatabase("admin").runCommand(new Document("ping", 1));
            client.listDatabaseNames().first();
            return Poll.done(Boolean.TRUE);
          } catch (MongoException e) {
            return Poll.pending(pendingReason(e));
          }
        });
  }

  private static String pendingReason(MongoException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.length() > 120) {
      m = m.substring(0, 120) + "…";
    }
    return "not ready (" + Redactor.redact(m) + ")";
  }

  @Override
  public <T> Optional<T> onCopy(String what, Function<Mongod, T> work) {
    return Optional.ofNullable(work.apply(this));
  }

  /** Documents per collection of every non-system database, from collection metadata. */
  public Map<String, Long> counts() {
    try (MongoClient client = connect()) {
      return counts(client);
    }
  }

  static Map<String, Long> counts(MongoClient client) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String db : client.listDatabaseNames()) {
      if (MaskingRecord.SYSTEM_DATABASES.contains(db)) {
        continue;
      }
      MongoDatabase database = client.getDatabase(db);
      for (Document info : database.listCollections()) {
        String name = info.getString("name");
        if (name.startsWith("system.")
            || name.equals(MaskingRecord.COLLECTION)
            || "view".equals(info.getString("type"))) {
          continue;
        }
        counts.put(db + "." + name, database.getCollection(name).estimatedDocumentCount());
      }
    }
    return counts;
  }

  /**
   * What the masking engine recorded in the copy itself: per database, whether its run was verified
   * and the manifest it verified. Unlike snapshot tags, this travels with the data into the
   * development account.
   */
  public List<MaskingRecord.Run> maskingRecords() {
    try (MongoClient client = connect()) {
      return MaskingRecord.read(client);
    }
  }

  /**
   * {@inheritDoc} A mongod that refuses (no privilege for {@code shutdown}) is left to the
   * operating system's clean shutdown when the instance stops; the flush must succeed.
   */
  @Override
  public void flushAndShutdown() {
    try (MongoClient client = connect()) {
      MongoDatabase admin = client.getDatabase("admin");
      try {
        admin.runCommand(new Document("fsync", 1));
      } catch (MongoException e) {
        if (e.getCode() != 59 && e.getCode() != 115) {
          throw e;
        }
        // 59 CommandNotFound / 115 CommandNotSupported: a server without fsync (tests, emulators).
        LOG.warn("mongod has no fsync command; relying on its clean shutdown");
      }
      try {
        admin.runCommand(new Document("shutdown", 1).append("timeoutSecs", 60));
        LOG.info("mongod at {} shut down", hosts());
      } catch (MongoSocketException e) {
        // The expected answer: the server closed the connection as it went down.
        LOG.info("mongod at {} shut down", hosts());
      } catch (MongoException e) {
        LOG.warn(
            "mongod at {} did not shut down on request ({}); the instance stop shuts it down",
            hosts(),
            Redactor.redact(String.valueOf(e.getMessage())));
      }
    }
  }

  @Override
  public Optional<Inventory> inventory(String what) {
    try (MongoClient client = connect()) {
      List<String> databases = client.listDatabaseNames().into(new ArrayList<>());
      List<String> local =
          databases.contains("local")
              ? client.getDatabase("local").listCollectionNames().into(new ArrayList<>())
              : List.of();
      List<String> users = new ArrayList<>();
      Document info =
          client
              .getDatabase("admin")
              .runCommand(new Document("usersInfo", new Document("forAllDBs", true)));
      for (Document u : info.getList("users", Document.class, List.of())) {
        users.add(u.getString("db") + "." + u.getString("user"));
      }
      List<String> roles = new ArrayList<>();
      for (String db : DryRunMongod.dropFrom(databases)) {
        if (db.equals("local") || db.equals("config")) {
          continue; // no user-defined roles live there
        }
        Document r = client.getDatabase(db).runCommand(new Document("rolesInfo", 1));
        for (Document role : r.getList("roles", Document.class, List.of())) {
          roles.add(role.getString("db") + "." + role.getString("role"));
        }
      }
      return Optional.of(new Inventory(databases, local, users, roles));
    }
  }

  @Override
  public void dropUsersAndRoles(Collection<String> databases) {
    try (MongoClient client = connect()) {
      client.getDatabase("admin").runCommand(new Document("fsync", 1));
      List<String> all = DryRunMongod.dropFrom(databases);
      // admin last: the user this connects as is (normally) an admin user.
      List<String> order = new ArrayList<>(all.subList(1, all.size()));
      order.add("admin");
      for (String db : order) {
        MongoDatabase database = client.getDatabase(db);
        database.runCommand(new Document("dropAllRolesFromDatabase", 1));
        database.runCommand(new Document("dropAllUsersFromDatabase", 1));
      }
      LOG.info("dropped every user and role of {} at {}", order, hosts());
    }
  }
}
