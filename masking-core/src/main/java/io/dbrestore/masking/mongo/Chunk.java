package io.dbrestore.masking.mongo;

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
}
