package io.dbrestore.mongo.ec2.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/** The fake instance's mongod: a real wire-protocol server whose data follows the volume. */
public final class MongoHost implements FakeEc2.Host {
  private static final Set<String> SYSTEM = Set.of("admin", "local", "config");
  private final MongoClient client;

  public MongoHost(MongoClient client) {
    this.client = client;
  }

  @Override
  public void load(FakeEc2.Data data) {
    for (String db : client.listDatabaseNames().into(new ArrayList<>())) {
      if (!SYSTEM.contains(db)) {
        client.getDatabase(db).drop();
      }
    }
    data.collections()
        .forEach(
            (name, docs) -> {
              int dot = name.indexOf('.');
              MongoDatabase db = client.getDatabase(name.substring(0, dot));
              String collection = name.substring(dot + 1);
              db.createCollection(collection);
              if (!docs.isEmpty()) {
                List<Document> copies = new ArrayList<>();
                docs.forEach(d -> copies.add(Document.parse(d.toJson())));
                db.getCollection(collection).insertMany(copies);
              }
            });
  }

  @Override
  public FakeEc2.Data save() {
    Map<String, List<Document>> data = new LinkedHashMap<>();
    for (String db : client.listDatabaseNames().into(new ArrayList<>())) {
      if (SYSTEM.contains(db)) {
        continue;
      }
      for (String c : client.getDatabase(db).listCollectionNames().into(new ArrayList<>())) {
        data.put(
            db + "." + c, client.getDatabase(db).getCollection(c).find().into(new ArrayList<>()));
      }
    }
    return new FakeEc2.Data(data);
  }

  /** The current content of a mongod, as a volume would hold it. */
  public static FakeEc2.Data of(MongoClient client) {
    return new MongoHost(client).save();
  }
}
