package io.dbrestore.benchmarks;

import com.mongodb.MongoClientSettings;
import io.dbrestore.masking.engine.DocumentMasker;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;

/** Decoding and the update document, done exactly as the engine does them. */
final class Codecs {
  static final Codec<Document> DOCUMENT_CODEC =
      MongoClientSettings.getDefaultCodecRegistry().get(Document.class);
  private static final DecoderContext DECODER = DecoderContext.builder().build();

  private Codecs() {}

  static Document decode(RawBsonDocument raw) {
    return DOCUMENT_CODEC.decode(raw.asBsonReader(), DECODER);
  }

  static RawBsonDocument encode(Document document) {
    return new RawBsonDocument(document, DOCUMENT_CODEC);
  }

  /** The update for a masked document, exactly as the engine builds it. */
  static Document update(DocumentMasker.Result r) {
    return r.toUpdate();
  }
}
