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

  /**
   * Applies what masking a document changed to {@code document} itself (fields keep their places)
   * and returns it: the whole masked document.
   */
  static Document applyMasking(Document document, DocumentMasker.Result result) {
    document.putAll(result.set());
    result.unset().forEach(document::remove);
    return document;
  }
}
