package io.dbrestore.masking.mongo;

import io.dbrestore.masking.engine.WorkUnit;
import org.bson.Document;

/**
 * A chunk a worker masks or verifies.
 *
 * @param state its checkpoint ({@code confirmed}, {@code masked}, {@code pending}); a fresh one in
 *     a dry run, null when verifying
 */
record ChunkWork(CollectionTarget target, Chunk chunk, Document state) implements WorkUnit {
  @Override
  public long documents() {
    return chunk.documents();
  }
}
