package io.dbrestore.masking.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.dbrestore.masking.engine.MaskingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a copy into another server takes over besides documents, read from the source as {@code
 * listCollections} and {@code listIndexes} return it: each collection created with its options
 * (validator, capped size, collation, clustered index, time series, pre- and post-images: whatever
 * {@code options} holds, passed to {@code create} as it is), its indexes (built once the documents
 * are in), and the views (once their collections exist). Every step leaves what exists already, so
 * that a resumed run can take them again.
 */
final class CopySchema {
  private static final Logger LOG = LoggerFactory.getLogger(CopySchema.class);

  private final MongoClient source;
  private final MongoClient destination;

  CopySchema(MongoClient source, MongoClient destination) {
    this.source = source;
    this.destination = destination;
  }

  /** Creates the collections {@code names} of a database that the destination does not have. */
  void createCollections(String database, Set<String> names) {
    MongoDatabase to = destination.getDatabase(database);
    Set<String> existing = to.listCollectionNames().into(new HashSet<>());
    for (Document info : source.getDatabase(database).listCollections()) {
      String name = info.getString("name");
      if (names.contains(name) && !"view".equals(info.getString("type"))) {
        create(to, name, info, existing);
      }
    }
  }

  /** Creates the views of a database that the destination does not have. */
  void createViews(String database) {
    MongoDatabase to = destination.getDatabase(database);
    Set<String> existing = to.listCollectionNames().into(new HashSet<>());
    for (Document info : source.getDatabase(database).listCollections()) {
      String name = info.getString("name");
      if ("view".equals(info.getString("type")) && !name.startsWith("system.")) {
        create(to, name, info, existing);
      }
    }
  }

  private static void create(MongoDatabase to, String name, Document info, Set<String> existing) {
    if (existing.contains(name)) {
      return;
    }
    Document command = new Document("create", name);
    Document options = info.get("options", Document.class);
    if (options != null) {
      command.putAll(options);
      Document clustered = command.get("clusteredIndex", Document.class);
      if (clustered != null) {
        // listCollections shows the index version; create does not take it.
        Document spec = new Document(clustered);
        spec.remove("v");
        command.put("clusteredIndex", spec);
      }
    }
    to.runCommand(command);
    LOG.info("created {}.{}", to.getName(), name);
  }

  /**
   * Builds a collection's indexes as the source has them, but {@code _id}'s (every collection has
   * it): one {@code createIndexes}, so that the documents are read once. A unique index that the
   * masked documents break fails the run, naming the collection and the index, never a value.
   */
  void createIndexes(String database, String collection) {
    List<Document> specs = new ArrayList<>();
    for (Document index : source.getDatabase(database).getCollection(collection).listIndexes()) {
      if ("_id_".equals(index.getString("name"))) {
        continue;
      }
      Document spec = new Document(index);
      spec.remove("v");
      spec.remove("ns");
      specs.add(spec);
    }
    if (specs.isEmpty()) {
      return;
    }
    try {
      destination
          .getDatabase(database)
          .runCommand(new Document("createIndexes", collection).append("indexes", specs));
    } catch (MongoCommandException e) {
      // The server's message can quote a duplicate key: name the indexes and the code only.
      throw new MaskingException(
          MaskingException.Kind.VERIFICATION_FAILED,
          "index-build",
          "building the indexes "
              + specs.stream().map(s -> s.getString("name")).toList()
              + " of "
              + database
              + "."
              + collection
              + " failed (error "
              + e.getErrorCode()
              + " "
              + e.getErrorCodeName()
              + ")");
    }
  }
}
