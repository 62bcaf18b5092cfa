package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Masking progress, kept in the target database itself ({@value #COLLECTION}) so that a run killed
 * at any point resumes where it stopped, and tied to the rules' SHA-256 so that a changed rules
 * file never resumes a copy half-masked under the old one.
 *
 * <p>No document may be masked twice (a doubly-masked value breaks consistency), and a batch's
 * writes and its checkpoint cannot be one atomic step without transactions. So before a batch is
 * written, its {@code _id}s and a hash of each document as read are recorded as pending; after the
 * write the chunk's confirmed count moves on and the pending batch is cleared. A resumed run
 * re-reads pending documents: one whose hash still matches was not written and is masked; one whose
 * hash changed was masked already and is skipped. Single-document updates are atomic, so each
 * document is either entirely original or entirely masked.
 */
final class Checkpoints {
  static final String COLLECTION = "__dbrestore_masking";
  private static final String RUN = "run";

  /** A run's state in one database. */
  enum State {
    MASKING,
    DRIFT,
    MASKED,
    VERIFIED,
    VERIFICATION_FAILED
  }

  private final MongoCollection<Document> store;

  Checkpoints(MongoDatabase database) {
    this.store = database.getCollection(COLLECTION);
  }

  Document run() {
    return store.find(Filters.eq("_id", RUN)).first();
  }

  void startRun(String rulesSha256, Map<String, Long> counts, Map<String, List<String>> indexes) {
    store.replaceOne(
        Filters.eq("_id", RUN),
        new Document("_id", RUN)
            .append("rulesSha256", rulesSha256)
            .append("state", State.MASKING.name())
            .append("counts", new Document(new java.util.LinkedHashMap<>(counts)))
            .append("indexes", new Document(new java.util.LinkedHashMap<>(indexes)))
            .append("startedAt", java.util.Date.from(Instant.now())),
        new ReplaceOptions().upsert(true));
  }

  void state(State state, Document extra) {
    Bson update =
        Updates.combine(
            Updates.set("state", state.name()), Updates.set("updatedAt", new java.util.Date()));
    if (extra != null) {
      List<Bson> sets = new ArrayList<>();
      sets.add(update);
      extra.forEach((k, v) -> sets.add(Updates.set(k, v)));
      update = Updates.combine(sets);
    }
    store.updateOne(Filters.eq("_id", RUN), update);
  }

  List<Document> chunks(String collection) {
    return store
        .find(Filters.and(Filters.eq("type", "chunk"), Filters.eq("collection", collection)))
        .sort(new Document("index", 1))
        .into(new ArrayList<>());
  }

  Document chunk(Chunk c) {
    return store.find(Filters.eq("_id", "chunk:" + c.key())).first();
  }

  void saveChunks(List<Chunk> chunks) {
    if (chunks.isEmpty()) {
      return;
    }
    List<Document> docs = new ArrayList<>();
    for (Chunk c : chunks) {
      docs.add(
          new Document("_id", "chunk:" + c.key())
              .append("type", "chunk")
              .append("collection", c.collection())
              .append("index", c.index())
              .append("filter", c.filter())
              .append("documents", c.documents())
              .append("confirmed", 0L)
              .append("masked", 0L)
              .append("done", false));
    }
    store.insertMany(docs);
  }

  void pending(Chunk chunk, List<Object> ids, List<Long> hashes) {
    store.updateOne(
        Filters.eq("_id", "chunk:" + chunk.key()),
        Updates.set("pending", new Document("ids", ids).append("hashes", hashes)));
  }

  void confirm(Chunk chunk, long confirmed, long masked, boolean done) {
    store.updateOne(
        Filters.eq("_id", "chunk:" + chunk.key()),
        Updates.combine(
            Updates.set("confirmed", confirmed),
            Updates.set("masked", masked),
            Updates.set("done", done),
            Updates.unset("pending")));
  }

  boolean emptied(String collection) {
    return store.find(Filters.eq("_id", "emptied:" + collection)).first() != null;
  }

  void markEmptied(String collection) {
    store.replaceOne(
        Filters.eq("_id", "emptied:" + collection),
        new Document("_id", "emptied:" + collection).append("type", "emptied"),
        new ReplaceOptions().upsert(true));
  }
}
