package io.dbrestore.masking.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.WriteModel;
import io.dbrestore.masking.engine.Engine;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.RunTotals;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What masking in place ({@link ChunkMasking}) and masking into another server ({@link CopyEngine})
 * do alike with chunks: cut them and save them in the checkpoints, start a chunk again from its
 * checkpoint when the connection fails, and write a batch as an unordered bulk write retried on
 * transient errors.
 */
final class ChunkSteps {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkSteps.class);
  static final int WRITE_ATTEMPTS = 5;

  private ChunkSteps() {}

  /**
   * The chunks of the collections {@code included} that are not done: the saved ones of a resumed
   * run, or new ones cut from {@code readFrom} (saved at once, so that a killed run resumes with
   * the same chunks); adds what the done and started chunks masked already to the totals.
   *
   * @param checkpoints where each collection's chunks are saved
   */
  static Engine.Work<ChunkWork> split(
      List<CollectionTarget> targets,
      Predicate<CollectionTarget> included,
      Function<CollectionTarget, MongoCollection<Document>> readFrom,
      Function<CollectionTarget, Checkpoints> checkpoints,
      RunOptions options,
      RunTotals totals) {
    List<ChunkWork> work = new ArrayList<>();
    long total = 0;
    Chunker chunker = new Chunker(options.unitSize());
    for (CollectionTarget t : targets) {
      if (!included.test(t)) {
        continue;
      }
      Checkpoints cp = options.dryRun() ? null : checkpoints.apply(t);
      List<Document> saved = cp == null ? List.of() : cp.chunks(t.plan().name());
      if (saved.isEmpty()) {
        List<Chunk> chunks = chunker.split(t.plan().name(), readFrom.apply(t), t.documents());
        if (cp == null) {
          for (Chunk c : chunks) {
            work.add(new ChunkWork(t, c, new Document("confirmed", 0L).append("masked", 0L)));
            total += c.documents();
          }
          continue;
        }
        cp.saveChunks(chunks);
        saved = cp.chunks(t.plan().name());
      }
      for (Document s : saved) {
        Chunk c =
            new Chunk(
                s.getString("collection"),
                s.getInteger("index"),
                s.get("filter", Document.class),
                s.getLong("documents"));
        var masked = totals.masked(t.name());
        if (masked != null) {
          masked.addAndGet(s.getLong("masked"));
        }
        if (!s.getBoolean("done")) {
          work.add(new ChunkWork(t, c, s));
          total += Math.max(0, c.documents() - s.getLong("confirmed"));
        }
      }
    }
    return new Engine.Work<>(work, total);
  }

  /**
   * Works on a chunk; when the connection fails mid-chunk (a failover, a dropped socket, a lost
   * cursor), starts the chunk again from its checkpoint, which the pending batch makes safe.
   */
  static void withRestarts(
      ChunkWork w, Checkpoints cp, RunOptions options, Consumer<ChunkWork> chunkWork) {
    ChunkWork current = w;
    for (int attempt = 1; ; attempt++) {
      try {
        chunkWork.accept(current);
        return;
      } catch (MongoSocketException
          | MongoTimeoutException
          | com.mongodb.MongoNotPrimaryException
          | com.mongodb.MongoNodeIsRecoveringException
          | com.mongodb.MongoCursorNotFoundException e) {
        if (options.dryRun() || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
        LOG.warn(
            "{} chunk {}: {}; starting the chunk again from its checkpoint",
            w.target().name(),
            w.chunk().index(),
            e.getClass().getSimpleName());
        backoff(attempt);
        current = new ChunkWork(w.target(), w.chunk(), cp.chunk(w.chunk()));
      }
    }
  }

  /**
   * Unordered bulk write, retried on transient errors. A write error (a duplicate key) is not
   * retried: it fails naming the collection, the {@code _id} and the error code, never the server's
   * message, which can quote values.
   *
   * @param ids the {@code _id} of each write, in order
   * @param beforeRetry runs before each retry (undoes what a half-applied attempt wrote, when the
   *     writes cannot be repeated as they are)
   * @param bypassValidation whether the collection has a validator ({@link #validated}), which the
   *     masked documents are written past: masked values (example.com addresses, pseudonymous
   *     names) need not satisfy rules written for real ones, and a validator must not fail a run
   *     half-way. Only then, since bypassing needs the bypassDocumentValidation privilege (roles
   *     dbAdmin, restore).
   */
  static <D> void write(
      MongoCollection<D> coll,
      List<? extends WriteModel<? extends D>> models,
      List<?> ids,
      String qualifiedName,
      Runnable beforeRetry,
      boolean bypassValidation) {
    for (int attempt = 1; ; attempt++) {
      try {
        if (attempt > 1) {
          beforeRetry.run();
        }
        BulkWriteOptions write = new BulkWriteOptions().ordered(false);
        coll.bulkWrite(models, bypassValidation ? write.bypassDocumentValidation(true) : write);
        return;
      } catch (MongoBulkWriteException e) {
        BulkWriteError first = e.getWriteErrors().isEmpty() ? null : e.getWriteErrors().get(0);
        if (first == null && attempt < WRITE_ATTEMPTS) {
          backoff(attempt);
          continue;
        }
        throw new IllegalStateException(
            "writing "
                + qualifiedName
                + " failed for _id "
                + (first == null ? "?" : ids.get(first.getIndex()))
                + " (error "
                + (first == null ? e.getCode() : first.getCode())
                + ", "
                + e.getWriteErrors().size()
                + " of "
                + models.size()
                + " writes in the batch failed)");
      } catch (MongoSocketException | MongoTimeoutException e) {
        if (attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
        backoff(attempt);
      } catch (MongoException e) {
        boolean transientError =
            e.hasErrorLabel("RetryableWriteError") || e.hasErrorLabel("TransientTransactionError");
        if (!transientError || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
        backoff(attempt);
      }
    }
  }

  static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(10_000L, 500L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a write", e);
    }
  }

  /** Whether a collection validates the documents written to it (a validator in its options). */
  static boolean validated(MongoDatabase db, String collection) {
    return validated(db.listCollections().filter(new Document("name", collection)).first());
  }

  /** Whether a collection, as listCollections describes it, has a validator. */
  static boolean validated(Document info) {
    Document options = info == null ? null : info.get("options", Document.class);
    Document validator = options == null ? null : options.get("validator", Document.class);
    return validator != null && !validator.isEmpty();
  }
}
