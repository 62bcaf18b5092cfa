package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.ValidationAction;
import com.mongodb.client.model.ValidationLevel;
import com.mongodb.client.model.ValidationOptions;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.testsupport.InProcessMongo;
import io.dbrestore.testsupport.SyntheticShop;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MongoCopy} between two in-process servers: the source (a production copy) and the
 * destination (a fresh server). What reaches the destination is checked on the wire by a {@link
 * RecordingProxy}, not only through the masker's own accounts.
 */
class MongoCopyTest {
  private static final SyntheticShop.Sizes SMALL = MongoMaskingContract.SMALL;
  private static final String ADMIN_SECRET = "SCRAM-SHA-256$4096:planted-admin-credential";
  private static final String OPLOG_VALUE = "oplog.only.person@mail.test";

  private InProcessMongo sourceServer;
  private InProcessMongo destinationServer;
  private MongoClient source;
  private MongoClient destination;
  private Set<String> destinationDatabasesAtStart;
  private final Set<Object> personal = new HashSet<>();

  @BeforeEach
  void start() {
    sourceServer = InProcessMongo.start();
    destinationServer = InProcessMongo.start();
    source = MongoClients.create(sourceServer.uri());
    destination = MongoClients.create(destinationServer.uri());
    destinationDatabasesAtStart = destination.listDatabaseNames().into(new TreeSetOfNames());
  }

  @AfterEach
  void stop() {
    CopyEngine.afterWriteHook = null;
    source.close();
    destination.close();
    sourceServer.close();
    destinationServer.close();
  }

  /** A sorted set, so that failures print in order. */
  private static final class TreeSetOfNames extends java.util.TreeSet<String> {
    private static final long serialVersionUID = 1L;
  }

  private static MaskingPlan examplePlan() {
    return MaskingPlan.compile(
        RulesLoader.load(MongoMaskingContract.EXAMPLE_RULES), MongoMaskingContract.KEY);
  }

  private static MaskingPlan plan(String yaml) {
    return MaskingPlan.compile(
        RulesLoader.parse("test-rules.yaml", yaml), MongoMaskingContract.KEY);
  }

  private static RunOptions options() {
    return MongoMasking.defaultOptions().withParallelism(4).withUnitSize(250).withBatchSize(100);
  }

  /**
   * The shop, plus what must never cross: a user in admin and a write in local's oplog. The
   * in-process server takes no insert into {@code admin} (it answers "no such command"), so there
   * the user is planted in {@code local} and {@code config} too, which it does take.
   */
  private void productionCopy() {
    SyntheticShop.generateAll(source, SMALL, 7, personal::add);
    Document user =
        new Document("_id", "app.prodadmin")
            .append("user", "prodadmin")
            .append("credentials", new Document("SCRAM-SHA-256", ADMIN_SECRET));
    try {
      source.getDatabase("admin").getCollection("system.users").insertOne(user);
    } catch (com.mongodb.MongoCommandException e) {
      assertThat(e.getErrorCode()).isEqualTo(59);
      source.getDatabase("config").getCollection("system_users_planted").insertOne(user);
      source.getDatabase("local").getCollection("system_users_planted").insertOne(user);
    }
    source
        .getDatabase("local")
        .getCollection("oplog.rs")
        .insertOne(
            new Document("op", "i")
                .append("ns", "shop.customers")
                .append("o", new Document("email", OPLOG_VALUE)));
    assertThat(source.getDatabase("local").getCollection("oplog.rs").countDocuments()).isOne();
  }

  /** SHA-256 of every document of every database of a server, by namespace and _id. */
  private static Map<String, String> hashes(MongoClient client) throws Exception {
    Map<String, String> result = new TreeMap<>();
    for (String db : client.listDatabaseNames()) {
      for (String c : client.getDatabase(db).listCollectionNames()) {
        for (RawBsonDocument d :
            client.getDatabase(db).getCollection(c, RawBsonDocument.class).find()) {
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          sha.update(d.getByteBuffer().asNIO());
          result.put(db + "." + c + " " + d.get("_id"), HexFormat.of().formatHex(sha.digest()));
        }
      }
    }
    return result;
  }

  /** The planted values long enough to look for on the wire, as written and in both cases. */
  private Set<String> plantedStrings() {
    Set<String> needles = new LinkedHashSet<>();
    for (Object v : personal) {
      if (v instanceof String s && s.getBytes(StandardCharsets.UTF_8).length >= 8 && !s.isBlank()) {
        needles.add(s);
        needles.add(s.toLowerCase(Locale.ROOT));
        needles.add(s.toUpperCase(Locale.ROOT));
      }
    }
    return needles;
  }

  private long personalValuesIn(MongoClient client) {
    long found = 0;
    for (String db : client.listDatabaseNames()) {
      for (String name : client.getDatabase(db).listCollectionNames()) {
        for (Document d : client.getDatabase(db).getCollection(name).find()) {
          found += scan(d);
        }
      }
    }
    return found;
  }

  private long scan(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().mapToLong(this::scan).sum();
    }
    if (value instanceof List<?> list) {
      return list.stream().mapToLong(this::scan).sum();
    }
    if (value instanceof String) {
      return personal.contains(value) ? 1 : 0;
    }
    if (value instanceof Integer || value instanceof Long) {
      return personal.contains(((Number) value).longValue()) ? 1 : 0;
    }
    return 0;
  }

  @Test
  void run_copiesMasked_noPlantedValueCrossesTheWire_andTheSourceIsOnlyRead() throws Exception {
    productionCopy();
    Map<String, String> sourceBefore = hashes(source);
    Set<String> needles = plantedStrings();
    assertThat(needles).hasSizeGreaterThan(1000);
    needles.add(ADMIN_SECRET);
    needles.add("prodadmin");
    needles.add(OPLOG_VALUE);

    MaskingResult result;
    try (RecordingProxy toDestination = new RecordingProxy(destinationServer.port());
        RecordingProxy toSource = new RecordingProxy(sourceServer.port());
        MongoClient viaProxy = MongoClients.create(toDestination.uri());
        MongoClient sourceViaProxy = MongoClients.create(toSource.uri())) {
      result = new MongoCopy(sourceViaProxy, viaProxy, examplePlan(), options()).run();

      assertThat(toDestination.bytesSent()).isGreaterThan(500_000);
      assertThat(toDestination.found(needles))
          .as("planted values sent to the destination")
          .isEmpty();
      // The oracle can see a planted value: a query for one sends it to the destination.
      String control =
          (String)
              personal.stream()
                  .filter(v -> v instanceof String s && s.contains("@"))
                  .findFirst()
                  .orElseThrow();
      viaProxy
          .getDatabase("shop")
          .getCollection("customers")
          .find(Filters.eq("email", control))
          .first();
      assertThat(toDestination.found(needles)).contains(control);
      assertThat(toSource.bytesSent()).isPositive();
      for (String write :
          List.of(
              "insert", "update", "delete", "findAndModify", "create", "createIndexes", "drop")) {
        // A command's name is its first element: type byte 0x02 (string), then the name.
        assertThat(toSource.found(List.of("\u0002" + write + "\u0000")))
            .as("command %s sent to the source", write)
            .isEmpty();
      }
    }

    assertThat(result.verified()).isTrue();
    assertThat(hashes(source)).as("the source, document by document").isEqualTo(sourceBefore);
    assertThat(source.getDatabase("shop").listCollectionNames().into(new ArrayList<>()))
        .doesNotContain(MaskingRecord.COLLECTION);
    assertThat(personalValuesIn(destination)).isZero();
    Set<String> databases = new TreeSetOfNames();
    databases.addAll(destinationDatabasesAtStart);
    databases.add("shop");
    databases.add(SyntheticShop.LEGACY_DATABASE);
    assertThat(destination.listDatabaseNames().into(new TreeSetOfNames())).isSubsetOf(databases);
    // The in-process server lists no collections of admin (no such command); the wire above
    // shows that neither the admin user nor the oplog entry was sent.
    for (String system : List.of("local", "config")) {
      for (String c : destination.getDatabase(system).listCollectionNames()) {
        assertThat(destination.getDatabase(system).getCollection(c).countDocuments())
            .as("%s.%s in the destination", system, c)
            .isZero();
      }
    }
    MongoDatabase shop = destination.getDatabase("shop");
    for (String c : SyntheticShop.collections()) {
      long expected =
          List.of("sessions", "password_resets").contains(c)
              ? 0
              : source.getDatabase("shop").getCollection(c).countDocuments();
      assertThat(shop.getCollection(c).countDocuments()).as(c).isEqualTo(expected);
    }
    assertThat(result.manifest()).containsEntry("shop.orders", (long) SMALL.orders());
    assertThat(shop.getCollection(MaskingRecord.COLLECTION).find().into(new ArrayList<>()))
        .as("only the run record is left")
        .extracting(d -> d.get("_id"))
        .containsExactly(MaskingRecord.RUN_ID);
    assertThat(MaskingRecord.read(shop).orElseThrow().verified()).isTrue();
  }

  @Test
  void optionsAndIndexes_areRecreatedInTheDestination() {
    MongoDatabase app = source.getDatabase("app");
    app.createCollection(
        "users",
        new CreateCollectionOptions()
            .validationOptions(
                new ValidationOptions()
                    .validator(Filters.exists("email"))
                    .validationLevel(ValidationLevel.MODERATE)
                    .validationAction(ValidationAction.WARN)));
    // The in-process server cannot create capped collections, nor take collations, text,
    // 2dsphere, hidden or wildcard indexes, views, time series or clustered collections: those
    // pass through create and createIndexes as listCollections and listIndexes return them (views
    // through create's viewOn and pipeline), and are not exercised here.
    app.createCollection("log");
    MongoCollection<Document> users = app.getCollection("users");
    users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
    users.createIndex(
        Indexes.ascending("nick"),
        new IndexOptions().partialFilterExpression(Filters.exists("nick")).name("nick_partial"));
    users.createIndex(Indexes.descending("phone"), new IndexOptions().sparse(true));
    users.createIndex(
        Indexes.ascending("seen"),
        new IndexOptions().expireAfter(3600L, java.util.concurrent.TimeUnit.SECONDS));
    users.createIndex(Indexes.compoundIndex(Indexes.ascending("a"), Indexes.descending("b")));
    for (int i = 0; i < 50; i++) {
      users.insertOne(
          new Document("_id", i)
              .append("email", "person" + i + "@mail.test")
              .append("nick", "n" + i)
              .append("phone", "+1555000" + i)
              .append("seen", new java.util.Date())
              .append("a", i)
              .append("b", -i));
    }
    app.getCollection("log").insertOne(new Document("_id", 1).append("line", "started"));

    MaskingResult result =
        new MongoCopy(
                source,
                destination,
                plan(
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
                              a: keep
                              b: keep
                          log: keep
                    """),
                options())
            .run();

    assertThat(result.verified()).isTrue();
    MongoDatabase copy = destination.getDatabase("app");
    for (String c : List.of("users", "log")) {
      assertThat(indexes(copy.getCollection(c))).as(c).isEqualTo(indexes(app.getCollection(c)));
    }
    assertThat(collections(copy)).isEqualTo(collections(app));
    assertThat(copy.getCollection("log").find().first())
        .isEqualTo(new Document("_id", 1).append("line", "started"));
    assertThat(copy.getCollection("users").countDocuments()).isEqualTo(50);
  }

  private static List<Document> indexes(MongoCollection<Document> c) {
    List<Document> specs = new ArrayList<>();
    for (Document d : c.listIndexes()) {
      d.remove("ns");
      specs.add(d);
    }
    specs.sort(java.util.Comparator.comparing(d -> d.getString("name")));
    return specs;
  }

  /** Name, type and options of each collection and view, but the run record. */
  private static Map<String, Document> collections(MongoDatabase db) {
    Map<String, Document> result = new TreeMap<>();
    for (Document d : db.listCollections()) {
      String name = d.getString("name");
      if (!name.equals(MaskingRecord.COLLECTION)) {
        result.put(name, new Document("type", d.get("type")).append("options", d.get("options")));
      }
    }
    return result;
  }

  @Test
  void crashMidRun_resumes_andEveryDocumentIsInOnceMaskedOnce() throws Exception {
    productionCopy();
    AtomicLong writes = new AtomicLong();
    CopyEngine.afterWriteHook =
        () -> {
          if (writes.incrementAndGet() == 7) {
            throw new IllegalStateException("killed after an insert, before its checkpoint");
          }
        };
    assertThatThrownBy(() -> new MongoCopy(source, destination, examplePlan(), options()).run())
        .hasMessageContaining("killed after an insert");
    CopyEngine.afterWriteHook = null;
    assertThat(
            destination
                .getDatabase("shop")
                .getCollection(MaskingRecord.COLLECTION)
                .countDocuments(Filters.exists("pending")))
        .as("a pending batch was left behind")
        .isPositive();

    MaskingResult resumed = new MongoCopy(source, destination, examplePlan(), options()).run();

    assertThat(resumed.verified()).isTrue();
    try (InProcessMongo other = InProcessMongo.start();
        MongoClient uninterrupted = MongoClients.create(other.uri())) {
      new MongoCopy(source, uninterrupted, examplePlan(), options()).run();
      for (String db : List.of("shop", SyntheticShop.LEGACY_DATABASE)) {
        for (String c : source.getDatabase(db).listCollectionNames()) {
          List<Document> expected =
              uninterrupted.getDatabase(db).getCollection(c).find().into(new ArrayList<>());
          List<Document> actual =
              destination.getDatabase(db).getCollection(c).find().into(new ArrayList<>());
          if (c.equals(MaskingRecord.COLLECTION)) {
            continue;
          }
          assertThat(actual).as("%s.%s", db, c).hasSameSizeAs(expected);
          assertThat(new HashSet<>(actual)).as("%s.%s", db, c).isEqualTo(new HashSet<>(expected));
        }
      }
    }
    assertThat(personalValuesIn(destination)).isZero();
  }

  @Test
  void undeclaredCollection_refusesAndWritesNothingToTheDestination() {
    productionCopy();
    source
        .getDatabase("shop")
        .getCollection("newsletter_signups")
        .insertOne(new Document("email", "x@mail.test"));

    assertThatThrownBy(() -> new MongoCopy(source, destination, examplePlan(), options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("shop.newsletter_signups");

    assertThat(destination.listDatabaseNames().into(new TreeSetOfNames()))
        .isEqualTo(destinationDatabasesAtStart);
  }

  @Test
  void undeclaredField_refuses_leavesNoDatabase_andTheValueNeverCrosses() throws Exception {
    productionCopy();
    MongoCollection<Document> customers = source.getDatabase("shop").getCollection("customers");
    List<Object> ids = new ArrayList<>();
    customers.find().limit(3).forEach(d -> ids.add(d.get("_id")));
    customers.updateMany(Filters.in("_id", ids), Updates.set("ssn", "123-45-6789"));

    try (RecordingProxy proxy = new RecordingProxy(destinationServer.port());
        MongoClient viaProxy = MongoClients.create(proxy.uri())) {
      assertThatThrownBy(() -> new MongoCopy(source, viaProxy, examplePlan(), options()).run())
          .isInstanceOfSatisfying(
              MaskingException.class,
              e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
          .hasMessageContaining("shop.customers: ssn (3 documents)")
          .hasMessageNotContaining("123-45-6789");
      assertThat(proxy.found(List.of("123-45-6789"))).isEmpty();
    }

    assertThat(destination.listDatabaseNames().into(new TreeSetOfNames()))
        .isEqualTo(destinationDatabasesAtStart);
  }

  @Test
  void verifyOnly_failsOnATamperedDestination() {
    productionCopy();
    new MongoCopy(source, destination, examplePlan(), options()).run();
    assertThat(new MongoCopy(source, destination, examplePlan(), options()).verifyOnly().verified())
        .isTrue();
    MongoCollection<Document> customers =
        destination.getDatabase("shop").getCollection("customers");
    Document one = customers.find().first();
    customers.updateOne(
        Filters.eq("_id", one.get("_id")), Updates.set("email", "leaked.person@mail.test"));

    assertThatThrownBy(
            () -> new MongoCopy(source, destination, examplePlan(), options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("shop.customers: field email is not in masked form in 1 document")
        .hasMessageNotContaining("leaked.person");

    destination.getDatabase("shop").getCollection("orders").deleteOne(new Document());
    assertThatThrownBy(
            () -> new MongoCopy(source, destination, examplePlan(), options()).verifyOnly())
        .hasMessageContaining(
            "shop.orders holds " + (SMALL.orders() - 1) + " documents, expected " + SMALL.orders());
  }

  /**
   * Writes to a collection with a validator carry {@code bypassDocumentValidation: true}, others do
   * not (bypassing needs a privilege). The oracle is the wire; the in-process server keeps no
   * validators, so whether mongod then accepts masked documents that fail one is checked by
   * MongoMaskingContract on mongod (the *MongodIT classes).
   */
  @Test
  void writesToAValidatedCollection_askToBypassItsValidator_othersDoNot() throws Exception {
    String bypass = "\u0008bypassDocumentValidation\u0000\u0001";
    for (boolean validated : List.of(true, false)) {
      try (RecordingProxy proxy = new RecordingProxy(destinationServer.port());
          MongoClient viaProxy = MongoClients.create(proxy.uri())) {
        ChunkSteps.write(
            viaProxy.getDatabase("crm").getCollection("people"),
            List.of(new com.mongodb.client.model.InsertOneModel<>(new Document("_id", validated))),
            List.of(validated),
            "crm.people",
            () -> {},
            validated);
        assertThat(proxy.found(List.of(bypass)))
            .as("validated=%s", validated)
            .isEqualTo(validated ? Set.of(bypass) : Set.of());
      }
    }
    // listCollections' shape (MongoDB manual, listCollections output: "options": {"validator":
    // {...}, "validationLevel": ..., "validationAction": ...}).
    assertThat(
            ChunkSteps.validated(
                Document.parse(
                    "{name: 'people', type: 'collection', options: {validator: {email: {$exists:"
                        + " true}}, validationLevel: 'strict', validationAction: 'error'}}")))
        .isTrue();
    assertThat(ChunkSteps.validated(Document.parse("{name: 'people', options: {}}"))).isFalse();
    assertThat(ChunkSteps.validated(Document.parse("{name: 'p', options: {validator: {}}}")))
        .isFalse();
    assertThat(ChunkSteps.validated((Document) null)).isFalse();
  }
}
