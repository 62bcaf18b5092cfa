package io.dbrestore.masking.mongo;

import io.dbrestore.masking.engine.MaskingException;
import org.bson.Document;

/**
 * A slice of a collection that one worker masks: a filter on {@code _id} that never spans two
 * comparison brackets, read in {@code _id} order so that progress is a count of documents.
 *
 * @param index the chunk's number within its collection, stable across resumed runs
 * @param filter the {@code _id} filter (empty for a whole small collection)
 * @param documents how many documents it held when the chunks were made
 */
record Chunk(String collection, int index, Document filter, long documents) {
  String key() {
    return collection + "#" + index;
  }

  /**
   * Fails the run when the chunk's filter read another number of documents than the chunker counted
   * in {@code _id} order: the filter does not cover what was planned (a server whose range
   * comparison differs from its sort, a copy that changed under the run), so documents may have
   * been left out. The chunk is not marked done.
   *
   * @param qualifiedName the collection as {@code db.collection}
   * @param read documents the chunk read in all, over every run that worked on it
   */
  void requireRead(String qualifiedName, long read) {
    if (read != documents) {
      throw new MaskingException(
          MaskingException.Kind.VERIFICATION_FAILED,
          "chunk-count",
          qualifiedName
              + " chunk "
              + index
              + " read "
              + read
              + " documents where "
              + documents
              + " were counted: its _id filter does not cover the documents it was cut for");
    }
  }
}
