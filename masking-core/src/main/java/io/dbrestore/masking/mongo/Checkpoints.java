package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import io.dbrestore.masking.engine.MaskingRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * Masking progress, kept in the target database itself ({@code __dbrestore_masking}, beside the
 * {@link MaskingRecord run record}) so that a run killed at any point resumes where it stopped, and
 * tied to the rules' SHA-256 so that a changed rules file never resumes a copy half-masked under
 * the old one.
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
  private final MongoDatabase database;
  private final MongoCollection<Document> store;
  private final MaskingRecord.Writer record;

  Checkpoints(MongoDatabase database) {
    this.database = database;
    this.store = database.getCollection(MaskingRecord.COLLECTION);
    this.record = new MaskingRecord.Writer(database);
  }

  /** The run record; empty before the first run. */
  Optional<MaskingRecord.Run> run() {
    return MaskingRecord.read(database);
  }

  /** Where the run's state goes; the run record is a contract, owned by {@link MaskingRecord}. */
  MaskingRecord.Writer record() {
    return record;
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

  /**
   * Deletes the checkpoints (chunks hold {@code _id} bounds, pending batches hold {@code _id}s),
   * leaving only the run record: what a verified copy keeps.
   */
  void clearProgress() {
    store.deleteMany(Filters.ne("_id", MaskingRecord.RUN_ID));
  }
}
