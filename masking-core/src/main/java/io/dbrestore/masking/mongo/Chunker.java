package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * Splits a collection into chunks of about {@code chunkDocuments} so that several workers can mask
 * one large collection at once. Reads only {@code _id}s (an index-only scan on a real mongod),
 * sorted, and cuts at every {@code chunkDocuments}-th one and at every change of comparison
 * bracket, so mixed {@code _id} types (numbers, strings, ObjectIds, sub-documents) are each covered
 * exactly once.
 */
final class Chunker {
  private final int chunkDocuments;

  Chunker(int chunkDocuments) {
    this.chunkDocuments = chunkDocuments;
  }

  List<Chunk> split(String name, MongoCollection<Document> collection, long count) {
    List<Chunk> chunks = new ArrayList<>();
    if (count <= chunkDocuments) {
      chunks.add(new Chunk(name, 0, new Document(), count));
      return chunks;
    }
    Object start = null;
    Object last = null;
    IdBracket bracket = null;
    long inChunk = 0;
    for (Document d :
        collection
            .find()
            .projection(Projections.include("_id"))
            .sort(Sorts.ascending("_id"))
            .batchSize(10_000)) {
      Object id = d.get("_id");
      IdBracket b = IdBracket.of(id);
      boolean newBracket = bracket == null || b != bracket || !b.rangeable();
      if (bracket != null && (newBracket || inChunk >= chunkDocuments)) {
        // Close the current chunk: up to the last id if the bracket ends, else before this id.
        chunks.add(
            close(name, chunks.size(), bracket, start, last, newBracket ? null : id, inChunk));
        start = id;
        inChunk = 0;
      } else if (bracket == null) {
        start = id;
      }
      bracket = b;
      last = id;
      inChunk++;
    }
    if (bracket != null) {
      chunks.add(close(name, chunks.size(), bracket, start, last, null, inChunk));
    }
    return chunks;
  }

  private static Chunk close(
      String name, int index, IdBracket bracket, Object start, Object last, Object next, long n) {
    Document range;
    if (!bracket.rangeable()) {
      range = new Document("$eq", start);
      if (n != 1) {
        // Unrangeable brackets are cut at every id, so a chunk holds one document.
        throw new IllegalStateException("chunk of " + n + " documents in bracket " + bracket);
      }
    } else if (next != null) {
      range = new Document("$gte", start).append("$lt", next);
    } else {
      range = new Document("$gte", start).append("$lte", last);
    }
    return new Chunk(name, index, new Document("_id", range), n);
  }
}
