package io.dbrestore.masking.engine;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The masking run record: what the engines leave in the copy itself, so that it travels with the
 * data into the development account (snapshot tags do not). The jobs that restore a masked copy
 * read it to refuse a copy that was never masked, or not verified; this class is its one owner.
 *
 * <p>In MongoDB it is the document {@code _id: "run"} of collection {@value #COLLECTION} in every
 * database a run masks: {@code rulesSha256}, {@code state} (a {@link State} name), {@code counts}
 * (documents per collection when the run started), {@code indexes} (unique indexes per collection,
 * {@code name key}), {@code startedAt}, {@code updatedAt}, and once verified {@code manifest}
 * (documents per collection after masking). Collections are named without their database there;
 * this class's maps name them {@code db.collection}.
 *
 * <p>The SQL engine keeps a table of the same name in every schema it masks, whose row {@code id =
 * }{@value #RUN_ID} holds {@code rules_sha256} and {@code state} with the same state names.
 */
public final class MaskingRecord {
  /** The collection (MongoDB) or table (SQL) that holds the run record and the checkpoints. */
  public static final String COLLECTION = "__dbrestore_masking";

  /** The run record's {@code _id} (MongoDB) or {@code id} (SQL). */
  public static final String RUN_ID = "run";

  /** MongoDB's own databases: a run never masks them, so they never hold a run record. */
  public static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");

  /** A run's state in one database (schema). */
  public enum State {
    /** Started: masking is under way, or was killed and will resume. */
    MASKING,
    /** Stopped on fields the rules do not declare: the copy is never verified. */
    DRIFT,
    /** Every document is masked; verification has not passed yet. */
    MASKED,
    /** The verification gate passed: the copy holds the recorded manifest, masked. */
    VERIFIED,
    /** The verification gate failed. */
    VERIFICATION_FAILED
  }

  /**
   * One database's run record as read.
   *
   * @param state the state as recorded: a {@link State} name (kept as text, so that a state this
   *     version does not know reads as not verified rather than failing)
   * @param counts documents per collection ({@code db.collection}) when the run started
   * @param uniqueIndexes unique indexes per collection ({@code db.collection}) when the run
   *     started, each {@code name key}
   * @param manifest documents per collection ({@code db.collection}) after masking, as verified;
   *     empty until the run is verified
   */
  public record Run(
      String database,
      String state,
      String rulesSha256,
      Map<String, Long> counts,
      Map<String, List<String>> uniqueIndexes,
      Map<String, Long> manifest) {
    /** Whether the copy of this database passed the verification gate. */
    public boolean verified() {
      return State.VERIFIED.name().equals(state);
    }
  }

  private MaskingRecord() {}

  /** The run record of every database but {@code admin}, {@code local} and {@code config}. */
  public static List<Run> read(MongoClient client) {
    List<Run> runs = new ArrayList<>();
    for (String name : client.listDatabaseNames()) {
      if (!SYSTEM_DATABASES.contains(name)) {
        read(client.getDatabase(name)).ifPresent(runs::add);
      }
    }
    return runs;
  }

  /** The run record of one database; empty when no run ever started there. */
  public static Optional<Run> read(MongoDatabase database) {
    Document run = store(database).find(Filters.eq("_id", RUN_ID)).first();
    if (run == null) {
      return Optional.empty();
    }
    String db = database.getName();
    return Optional.of(
        new Run(
            db,
            run.getString("state"),
            run.getString("rulesSha256"),
            longs(db, run.get("counts", Document.class)),
            lists(db, run.get("indexes", Document.class)),
            longs(db, run.get("manifest", Document.class))));
  }

  private static Map<String, Long> longs(String db, Document byCollection) {
    Map<String, Long> result = new LinkedHashMap<>();
    if (byCollection != null) {
      byCollection.forEach((c, n) -> result.put(db + "." + c, ((Number) n).longValue()));
    }
    return result;
  }

  private static Map<String, List<String>> lists(String db, Document byCollection) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    if (byCollection != null) {
      for (String c : byCollection.keySet()) {
        result.put(
            db + "." + c,
            byCollection.getList(c, Object.class).stream().map(String::valueOf).toList());
      }
    }
    return result;
  }

  private static MongoCollection<Document> store(MongoDatabase database) {
    return database.getCollection(COLLECTION);
  }

  /** Writes the run record of one MongoDB database. */
  public static final class Writer {
    private final String database;
    private final MongoCollection<Document> store;

    public Writer(MongoDatabase database) {
      this.database = database.getName();
      this.store = store(database);
    }

    /**
     * Starts a run: state {@link State#MASKING}, replacing any earlier record.
     *
     * @param counts documents per collection ({@code db.collection}) of this database
     * @param uniqueIndexes unique indexes per collection ({@code db.collection}) of this database
     */
    public void start(
        String rulesSha256, Map<String, Long> counts, Map<String, List<String>> uniqueIndexes) {
      store.replaceOne(
          Filters.eq("_id", RUN_ID),
          new Document("_id", RUN_ID)
              .append("rulesSha256", rulesSha256)
              .append("state", State.MASKING.name())
              .append("counts", byCollection(counts))
              .append("indexes", byCollection(uniqueIndexes))
              .append("startedAt", Date.from(Instant.now())),
          new ReplaceOptions().upsert(true));
    }

    /** Moves the run to a state. */
    public void state(State state) {
      store.updateOne(Filters.eq("_id", RUN_ID), stateUpdate(state));
    }

    /**
     * Moves the run to {@link State#VERIFIED} with the manifest it verified.
     *
     * @param manifest documents per collection ({@code db.collection}); entries of other databases
     *     are left out
     */
    public void verified(Map<String, Long> manifest) {
      Bson update =
          Updates.combine(
              List.of(
                  stateUpdate(State.VERIFIED), Updates.set("manifest", byCollection(manifest))));
      store.updateOne(Filters.eq("_id", RUN_ID), update);
    }

    private static Bson stateUpdate(State state) {
      return Updates.combine(
          Updates.set("state", state.name()), Updates.set("updatedAt", new Date()));
    }

    /** This database's entries of a {@code db.collection} map, keyed by collection. */
    private Document byCollection(Map<String, ?> qualified) {
      String prefix = database + ".";
      Document d = new Document();
      qualified.forEach(
          (name, value) -> {
            if (name.startsWith(prefix)) {
              d.append(name.substring(prefix.length()), value);
            }
          });
      return d;
    }
  }
}
