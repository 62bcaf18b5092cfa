package io.dbrestore.masking.mongo;

import com.mongodb.MongoClientSettings;
import io.dbrestore.masking.engine.DocumentMasker;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;

/**
 * Documents are read raw, so that the bytes as read can be hashed (the checkpoints' pending batch),
 * and decoded once for masking or verifying.
 */
final class RawDocuments {
  private static final Codec<Document> DOCUMENT_CODEC =
      MongoClientSettings.getDefaultCodecRegistry().get(Document.class);
  private static final DecoderContext DECODER = DecoderContext.builder().build();

  private RawDocuments() {}

  static Document decode(RawBsonDocument raw) {
    return DOCUMENT_CODEC.decode(raw.asBsonReader(), DECODER);
  }

  static RawBsonDocument encode(Document document) {
    return new RawBsonDocument(document, DOCUMENT_CODEC);
  }

  /** The whole masked document: {@code document} with what masking it changed applied. */
  static Document masked(Document document, DocumentMasker.Result result) {
    Document after = new Document(document);
    after.putAll(result.set());
    result.unset().forEach(after::remove);
    return after;
  }
}
