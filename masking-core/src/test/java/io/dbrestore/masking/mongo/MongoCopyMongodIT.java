package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CollationStrength;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ValidationAction;
import com.mongodb.client.model.ValidationLevel;
import com.mongodb.client.model.ValidationOptions;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.rules.RulesLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The engine's contract on the copy path between two real mongods (single-node replica sets, as
 * production runs): the source and the destination, for machines with Docker; skipped without it.
 * Also what only mongod has: the index kinds and collection options the in-process server cannot
 * create, recreated in the destination.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoCopyMongodIT extends CopyMaskingContract {
  @Container
  static final MongoDBContainer SOURCE = new MongoDBContainer(DockerImageName.parse("mongo:7.0"));

  @Container
  static final MongoDBContainer DESTINATION =
      new MongoDBContainer(DockerImageName.parse("mongo:7.0"));

  @Override
  protected String uri() {
    return SOURCE.getReplicaSetUrl();
  }

  @Override
  protected String destinationUri() {
    return DESTINATION.getReplicaSetUrl();
  }

  @Test
  void indexKindsAndCollectionOptions_areRecreatedInTheDestination() {
    MongoDatabase app = client.getDatabase("app");
    // A collection with a validator and a default collation; its indexes inherit the collation.
    app.createCollection(
        "users",
        new CreateCollectionOptions()
            .validationOptions(
                new ValidationOptions()
                    .validator(Filters.exists("email"))
                    .validationLevel(ValidationLevel.STRICT)
                    .validationAction(ValidationAction.ERROR))
            .collation(
                Collation.builder()
                    .locale("en")
                    .collationStrength(CollationStrength.SECONDARY)
                    .build()));
    MongoCollection<Document> users = app.getCollection("users");
    users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
    users.createIndex(
        Indexes.ascending("nick"),
        new IndexOptions().partialFilterExpression(Filters.exists("nick")).name("nick_partial"));
    users.createIndex(Indexes.descending("phone"), new IndexOptions().sparse(true));
    users.createIndex(
        Indexes.ascending("seen"), new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS));
    // Text, 2dsphere and wildcard indexes take no collation: they are on a collection without one.
    app.createCollection("places");
    MongoCollection<Document> places = app.getCollection("places");
    places.createIndex(
        Indexes.ascending("name"),
        new IndexOptions()
            .name("name_de")
            .collation(
                Collation.builder()
                    .locale("de")
                    .collationStrength(CollationStrength.PRIMARY)
                    .build()));
    places.createIndex(Indexes.text("bio"));
    places.createIndex(Indexes.geo2dsphere("location"));
    places.createIndex(Indexes.ascending("city"), new IndexOptions().hidden(true));
    places.createIndex(new Document("attrs.$**", 1));
    app.createCollection(
        "log", new CreateCollectionOptions().capped(true).sizeInBytes(1 << 20).maxDocuments(1000));
    app.createView(
        "active_users",
        "users",
        List.of(
            Aggregates.match(Filters.eq("active", true)),
            Aggregates.project(Projections.include("nick"))));
    for (int i = 0; i < 50; i++) {
      users.insertOne(
          new Document("_id", i)
              .append("email", "person" + i + "@mail.test")
              .append("nick", "n" + i)
              .append("phone", "+1555000" + i)
              .append("seen", new Date())
              .append("active", i % 2 == 0));
      places.insertOne(
          new Document("_id", i)
              .append("name", "Ort " + i)
              .append("bio", "lives near the station " + i)
              .append("city", "Berlin")
              .append(
                  "location",
                  new Document("type", "Point")
                      .append("coordinates", List.of(13.4 + i / 100.0, 52.5)))
              .append("attrs", new Document("color", "red").append("size", i)));
      app.getCollection("log").insertOne(new Document("_id", i).append("line", "started " + i));
    }

    MaskingResult result =
        masker(
                MaskingPlan.compile(
                    RulesLoader.parse(
                        "test-rules.yaml",
                        """
                        version: 1
                        databases:
                          app:
                            collections:
                              users:
                                fields:
                                  _id: keep
                                  email: email
                                  nick: redact
                                  phone: {strategy: phone, keep-prefix: 2}
                                  seen: keep
                                  active: keep
                              places:
                                fields:
                                  _id: keep
                                  name: keep
                                  bio: redact
                                  city: keep
                                  location.type: keep
                                  location.coordinates[]: keep
                                  attrs.color: keep
                                  attrs.size: keep
                              log: keep
                        """),
                    KEY),
                MongoMasking.defaultOptions().withParallelism(4).withUnitSize(20))
            .run();

    assertThat(result.verified()).isTrue();
    MongoDatabase copy = published.getDatabase("app");
    for (String c : List.of("users", "places", "log")) {
      assertThat(indexes(copy.getCollection(c))).as(c).isEqualTo(indexes(app.getCollection(c)));
      assertThat(copy.getCollection(c).countDocuments()).as(c).isEqualTo(50);
    }
    assertThat(collections(copy)).isEqualTo(collections(app));
    assertThat(copy.getCollection("active_users").countDocuments()).isEqualTo(25);
    assertThat(copy.getCollection("log").find().sort(new Document("_id", 1)).first())
        .isEqualTo(new Document("_id", 0).append("line", "started 0"));
  }

  /** Each index as listIndexes returns it (but the namespace), by name. */
  private static List<Document> indexes(MongoCollection<Document> c) {
    List<Document> specs = new ArrayList<>();
    for (Document d : c.listIndexes()) {
      d.remove("ns");
      specs.add(d);
    }
    specs.sort(Comparator.comparing(d -> d.getString("name")));
    return specs;
  }

  /** Name, type and options of each collection and view, but the run record. */
  private static Map<String, Document> collections(MongoDatabase db) {
    Map<String, Document> result = new TreeMap<>();
    for (Document d : db.listCollections()) {
      String name = d.getString("name");
      if (!name.equals(MaskingRecord.COLLECTION)) {
        result.put(
            name,
            new Document("type", d.get("type"))
                .append("options", d.get("options"))
                .append("readOnly", d.get("info", Document.class).get("readOnly")));
      }
    }
    return result;
  }
}
