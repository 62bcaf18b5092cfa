package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract on the copy path: {@link MongoCopy} reads the source ({@link #client}) and publishes
 * into a blank destination ({@link #published}), where its checkpoints and run record live too.
 * Besides the contract's own assertions, every run (and every verification) must leave the source
 * exactly as it was: each is wrapped in a hash of every source document before and after, checked
 * once the test is over.
 */
abstract class CopyMaskingContract extends MongoMaskingContract {
  /** Each run's differences in the source (before and after), if any. */
  private final List<String> sourceChanges = new ArrayList<>();

  private int runs;
  private Set<String> destinationDatabasesAtStart;

  /** A connection string to the destination server (whose databases the test may drop). */
  protected abstract String destinationUri();

  @Override
  protected MongoClient openPublished() {
    MongoClient destination = MongoClients.create(destinationUri());
    dropUserDatabases(destination);
    return destination;
  }

  @BeforeEach
  void rememberBlankDestination() {
    destinationDatabasesAtStart = published.listDatabaseNames().into(new TreeSet<>());
    sourceChanges.clear();
    runs = 0;
  }

  @AfterEach
  void sourceWasOnlyRead() {
    assertThat(runs).as("copy runs checked against the source").isPositive();
    assertThat(sourceChanges).as("runs that changed the source (only read by a copy)").isEmpty();
  }

  @Override
  protected Masker masker(MaskingPlan plan, RunOptions options) {
    MongoCopy copy = new MongoCopy(client, published, plan, options);
    return new Masker() {
      @Override
      public MaskingResult run() {
        return readingOnly("run", copy::run);
      }

      @Override
      public MaskingResult verifyOnly() {
        return readingOnly("verifyOnly", copy::verifyOnly);
      }
    };
  }

  /** Runs {@code step}, recording any change to the source it made (even when it throws). */
  private MaskingResult readingOnly(String step, Supplier<MaskingResult> what) {
    int run = ++runs;
    Map<String, String> before = hashes(client);
    try {
      return what.get();
    } finally {
      Map<String, String> after = hashes(client);
      if (!after.equals(before)) {
        TreeSet<String> changed = new TreeSet<>();
        before.forEach(
            (k, v) -> {
              if (!v.equals(after.get(k))) {
                changed.add(k);
              }
            });
        after.keySet().stream().filter(k -> !before.containsKey(k)).forEach(changed::add);
        sourceChanges.add(
            step
                + " #"
                + run
                + " changed "
                + changed.size()
                + " source documents, e.g. "
                + changed.stream().limit(5).toList());
      }
    }
  }

  /**
   * SHA-256 of every document of every collection of a server's databases (but admin, local and
   * config), by namespace and {@code _id}; an empty collection or a view counts as an entry too.
   */
  static Map<String, String> hashes(MongoClient server) {
    Map<String, String> result = new TreeMap<>();
    for (String db : server.listDatabaseNames()) {
      if (MaskingRecord.SYSTEM_DATABASES.contains(db)) {
        continue;
      }
      for (Document info : server.getDatabase(db).listCollections()) {
        String name = info.getString("name");
        result.put(db + "." + name, String.valueOf(info.get("options")));
        if ("view".equals(info.getString("type"))) {
          continue;
        }
        for (RawBsonDocument d :
            server.getDatabase(db).getCollection(name, RawBsonDocument.class).find()) {
          result.put(db + "." + name + " " + d.get("_id"), sha256(d));
        }
        for (Document index : server.getDatabase(db).getCollection(name).listIndexes()) {
          result.put(db + "." + name + " index " + index.getString("name"), index.toJson());
        }
      }
    }
    return result;
  }

  private static String sha256(RawBsonDocument d) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(d.getByteBuffer().asNIO());
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void setAfterWriteHook(Runnable hook) {
    CopyEngine.afterWriteHook = hook;
  }

  /**
   * The destination holds no collection in a database it did not hold blank: none of the run's. (A
   * database without collections holds nothing: mongod does not list one, the in-process server
   * does once a command, a read included, named it.)
   */
  @Override
  protected void assertNothingPublished() {
    Map<String, List<String>> written = new TreeMap<>();
    for (String db : published.listDatabaseNames()) {
      if (!destinationDatabasesAtStart.contains(db)) {
        List<String> names =
            published.getDatabase(db).listCollectionNames().into(new ArrayList<>());
        if (!names.isEmpty()) {
          written.put(db, names);
        }
      }
    }
    assertThat(written).as("collections written into the destination").isEmpty();
  }
}
