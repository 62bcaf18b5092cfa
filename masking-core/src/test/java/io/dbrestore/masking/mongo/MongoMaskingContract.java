package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import io.dbrestore.masking.engine.CollectionReport;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import io.dbrestore.testsupport.SyntheticShop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB engine's behaviour, run against a real server, on both paths: in place ({@link
 * InPlaceMaskingContract}: {@link MongoMaskingTest} on the in-process wire-protocol server
 * everywhere, {@link MongoMaskingMongodIT} on mongod where Docker runs) and into a fresh server
 * ({@link CopyMaskingContract}: {@link MongoCopyContractTest} on two in-process servers, {@link
 * MongoCopyMongodIT} on two mongods).
 *
 * <p>Each test sets its data up through {@link #client} (the source: the copy that is masked in
 * place, or the one that is copied from), runs what {@link #masker} returns, and asserts on {@link
 * #published} (what a run leaves for its users: the same client in place, the destination for a
 * copy).
 */
abstract class MongoMaskingContract {
  static final MaskingKey KEY = MaskingKey.of("mongo-masking-test-key-0123456789abcdefghij");
  static final Path EXAMPLE_RULES = Path.of("..", "examples", "rules.yaml");
  static final SyntheticShop.Sizes SMALL = new SyntheticShop.Sizes(400, 900, 150, 200, 80);

  /** What a test runs: {@link MongoMasking} or {@link MongoCopy}, built for one plan. */
  interface Masker {
    MaskingResult run();

    MaskingResult verifyOnly();
  }

  /** The source: where each test plants its data. */
  protected MongoClient client;

  /** Where the masked data is published: {@link #client} in place, the destination for a copy. */
  protected MongoClient published;

  private final Set<Object> personal = new HashSet<>();

  /** A connection string to an empty server (or one whose databases the test may drop). */
  protected abstract String uri();

  /** A masking run of {@link #client} into {@link #published} with this plan and these options. */
  protected abstract Masker masker(MaskingPlan plan, RunOptions options);

  /**
   * Opens the client the masked data is published to (called after {@link #client} is connected,
   * its databases dropped): the same client in place, a blank destination for a copy.
   */
  protected abstract MongoClient openPublished();

  /**
   * Installs (or, with {@code null}, removes) the test hook that runs after a batch is written and
   * before its checkpoint is confirmed: {@link ChunkMasking#afterWriteHook} in place, {@link
   * CopyEngine#afterWriteHook} for a copy.
   */
  protected abstract void setAfterWriteHook(Runnable hook);

  /**
   * Asserts that a run refused before any write left nothing where it publishes. In place the tests
   * check the source itself (it is what is published); a copy checks that the destination holds
   * none of the run's databases.
   */
  protected abstract void assertNothingPublished();

  @BeforeEach
  void connect() {
    client = MongoClients.create(uri());
    dropUserDatabases(client);
    published = openPublished();
  }

  @AfterEach
  void disconnect() {
    setAfterWriteHook(null);
    if (published != client) {
      published.close();
    }
    client.close();
  }

  static void dropUserDatabases(MongoClient server) {
    for (String db : server.listDatabaseNames()) {
      if (!MaskingRecord.SYSTEM_DATABASES.contains(db)) {
        server.getDatabase(db).drop();
      }
    }
  }

  private MaskingPlan examplePlan() {
    return MaskingPlan.compile(RulesLoader.load(EXAMPLE_RULES), KEY);
  }

  private MaskingPlan plan(String yaml) {
    return MaskingPlan.compile(RulesLoader.parse("test-rules.yaml", yaml), KEY);
  }

  private static RunOptions options() {
    return MongoMasking.defaultOptions().withParallelism(4).withUnitSize(250);
  }

  /** The source's shop, where tests plant data. */
  private MongoDatabase shop() {
    return client.getDatabase(SyntheticShop.DATABASE);
  }

  /** The published shop, where tests look at (or tamper with) what a run left. */
  private MongoDatabase publishedShop() {
    return published.getDatabase(SyntheticShop.DATABASE);
  }

  private static long scan(Object value, Set<Object> personal) {
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().mapToLong(v -> scan(v, personal)).sum();
    }
    if (value instanceof List<?> list) {
      return list.stream().mapToLong(v -> scan(v, personal)).sum();
    }
    if (value instanceof String) {
      return personal.contains(value) ? 1 : 0;
    }
    if (value instanceof Integer || value instanceof Long) {
      return personal.contains(((Number) value).longValue()) ? 1 : 0;
    }
    return 0;
  }

  /** The planted values found anywhere in {@code server}. */
  private long personalValuesIn(MongoClient server) {
    long found = 0;
    for (String db : server.listDatabaseNames()) {
      for (String name : server.getDatabase(db).listCollectionNames()) {
        for (Document d : server.getDatabase(db).getCollection(name).find()) {
          found += scan(d, personal);
        }
      }
    }
    return found;
  }

  /** The planted values left where the masked data is published. */
  private long personalValuesLeft() {
    return personalValuesIn(published);
  }

  @Test
  void run_masksEveryPersonalValueAnywhereAndVerifies() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    assertThat(personalValuesIn(client)).isGreaterThan(1000);

    MaskingResult result = masker(examplePlan(), options()).run();

    assertThat(result.verified()).isTrue();
    assertThat(personalValuesLeft()).isZero();
    assertThat(publishedShop().getCollection("sessions").countDocuments()).isZero();
    assertThat(publishedShop().getCollection("password_resets").countDocuments()).isZero();
    assertThat(publishedShop().getCollection("events").countDocuments()).isEqualTo(SMALL.events());
    assertThat(publishedShop().getCollection("customers").countDocuments())
        .isEqualTo(SMALL.customers());
    assertThat(publishedShop().getCollection("customers").countDocuments(Filters.exists("api_key")))
        .isZero();
    assertThat(result.manifest()).containsEntry("shop.orders", (long) SMALL.orders());
    assertThat(result.collections())
        .allSatisfy(c -> assertThat(c.verification()).isEqualTo("passed"));
  }

  @Test
  void verifyOnly_afterARun_passesOnTheRecordedManifest_withNothingMasked() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    MaskingResult run = masker(examplePlan(), options()).run();
    assertThat(run.documentsMasked()).isPositive();

    MaskingResult verified = masker(examplePlan(), options()).verifyOnly();

    assertThat(verified.verified()).isTrue();
    assertThat(verified.manifest()).isEqualTo(run.manifest());
    assertThat(verified.documentsMasked()).isZero();
    assertThat(verified.undeclaredFields()).isEmpty();
    assertThat(verified.collections())
        .extracting(
            CollectionReport::collection,
            CollectionReport::mode,
            CollectionReport::documents,
            CollectionReport::masked,
            CollectionReport::seconds,
            CollectionReport::verification)
        .containsExactlyElementsOf(
            run.collections().stream()
                .map(c -> tuple(c.collection(), c.mode(), c.documents(), 0L, 0.0, "passed"))
                .toList());
  }

  @Test
  void sameEmail_masksToTheSameValueInEveryCollection() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    Map<Object, String> customerEmail = new HashMap<>();
    for (Document c : shop().getCollection("customers").find()) {
      customerEmail.put(c.get("_id"), c.getString("email"));
    }
    Map<Object, String> orderEmail = new HashMap<>();
    for (Document o : shop().getCollection("orders").find()) {
      orderEmail.put(o.get("_id"), o.getString("customer_email"));
    }
    Strategy email = Strategies.create("email", Map.of(), KEY);

    masker(examplePlan(), options()).run();

    Set<String> maskedCustomers = new HashSet<>();
    for (Document c : publishedShop().getCollection("customers").find()) {
      String masked = c.getString("email");
      assertThat(masked).isEqualTo(email.mask(customerEmail.get(c.get("_id"))));
      maskedCustomers.add(masked);
    }
    assertThat(maskedCustomers).hasSize(SMALL.customers());
    for (Document o : publishedShop().getCollection("orders").find()) {
      // Each order's e-mail was some customer's: masked, it is still that customer's.
      assertThat(o.getString("customer_email"))
          .isEqualTo(email.mask(orderEmail.get(o.get("_id"))))
          .isIn(maskedCustomers);
    }
  }

  @Test
  void mixedIdTypes_areEachMaskedExactlyOnceAcrossManyChunks() {
    SyntheticShop.generateAll(client, SMALL, 11, personal::add);
    Map<Object, String> before = new HashMap<>();
    for (Document o : shop().getCollection("orders").find()) {
      before.put(o.get("_id"), o.getString("customer_email"));
    }
    assertThat(before.keySet())
        .hasAtLeastOneElementOfType(Integer.class)
        .hasAtLeastOneElementOfType(String.class)
        .hasAtLeastOneElementOfType(ObjectId.class);
    Strategy email = Strategies.create("email", Map.of(), KEY);

    masker(examplePlan(), options().withUnitSize(100)).run();

    for (Document o : publishedShop().getCollection("orders").find()) {
      assertThat(o.getString("customer_email")).isEqualTo(email.mask(before.get(o.get("_id"))));
    }
  }

  @Test
  void undeclaredCollection_refusesBeforeAnyWrite() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    shop().getCollection("newsletter_signups").insertOne(new Document("email", "x@mail.test"));
    Document before = shop().getCollection("customers").find().first();

    assertThatThrownBy(() -> masker(examplePlan(), options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("shop.newsletter_signups");

    assertThat(shop().getCollection("customers").find(Filters.eq("_id", before.get("_id"))).first())
        .isEqualTo(before);
    assertThat(shop().getCollection("sessions").countDocuments()).isEqualTo(SMALL.sessions());
    assertNothingPublished();
  }

  @Test
  void undeclaredField_refusesWithPathAndCount_andTheCopyNeverVerifies() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    MongoCollection<Document> customers = shop().getCollection("customers");
    List<Object> ids = new ArrayList<>();
    customers.find().limit(3).forEach(d -> ids.add(d.get("_id")));
    customers.updateMany(Filters.in("_id", ids), Updates.set("ssn", "123-45-6789"));
    customers.updateOne(
        Filters.eq("_id", ids.get(0)),
        Updates.set("contacts", List.of(new Document("fax", "555"))));

    assertThatThrownBy(() -> masker(examplePlan(), options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("shop.customers: contacts[].fax (1 document), ssn (3 documents)")
        .hasMessageNotContaining("123-45-6789");
    assertNothingPublished();

    assertThatThrownBy(() -> masker(examplePlan(), options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED));
  }

  @Test
  void nonUniqueStrategyOnAUniqueIndex_isRejectedBeforeAnyWrite() {
    MongoCollection<Document> users = client.getDatabase("app").getCollection("users");
    users.createIndex(Indexes.ascending("login"), new IndexOptions().unique(true));
    users.insertOne(new Document("_id", 1).append("login", "jdoe"));

    assertThatThrownBy(
            () ->
                masker(
                        plan(
                            """
                            version: 1
                            databases:
                              app:
                                collections:
                                  users:
                                    fields:
                                      _id: keep
                                      login: name
                            """),
                        options())
                    .run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("test-rules.yaml:8:")
        .hasMessageContaining("unique index 'login_1'");
    assertThat(users.find().first().getString("login")).isEqualTo("jdoe");
    assertNothingPublished();
  }

  @Test
  void plantedUnmaskedValue_failsVerificationNamingCollectionFieldAndCount() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    masker(examplePlan(), options()).run();
    MongoCollection<Document> customers = publishedShop().getCollection("customers");
    Document one = customers.find().first();
    customers.updateOne(
        Filters.eq("_id", one.get("_id")), Updates.set("email", "leaked.person@mail.test"));

    assertThatThrownBy(() -> masker(examplePlan(), options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("shop.customers: field email is not in masked form in 1 document")
        .hasMessageNotContaining("leaked.person");
  }

  /** Gives four customers e-mails of the wrong type; returns their ids. */
  private List<Object> wrongTypedEmails() {
    MongoCollection<Document> customers = shop().getCollection("customers");
    List<Object> ids = new ArrayList<>();
    customers.find().limit(4).forEach(d -> ids.add(d.get("_id")));
    customers.updateOne(Filters.eq("_id", ids.get(0)), Updates.set("email", 12345));
    customers.updateOne(
        Filters.eq("_id", ids.get(1)),
        Updates.set("email", List.of("a.wrong@mail.test", "b.wrong@mail.test")));
    customers.updateOne(
        Filters.eq("_id", ids.get(2)),
        Updates.set("email", new Document("home", "c.wrong@mail.test")));
    customers.updateOne(Filters.eq("_id", ids.get(3)), Updates.set("email", null));
    return ids;
  }

  @Test
  void scalarWhereASubDocumentIsDeclared_isAnUndeclaredField() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    wrongTypedEmails();
    MongoCollection<Document> customers = shop().getCollection("customers");
    Object last = customers.find().skip(10).first().get("_id");
    customers.updateOne(
        Filters.eq("_id", last), Updates.set("address", "just a string, not a sub-document"));

    assertThatThrownBy(() -> masker(examplePlan(), options()).run())
        .hasMessageContaining("shop.customers: address (1 document)");
  }

  @Test
  void valuesOfTheWrongTypeInsideDeclaredFields_areMasked() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    List<Object> ids = wrongTypedEmails();

    MaskingResult result = masker(examplePlan(), options()).run();

    assertThat(result.verified()).isTrue();
    assertThat(personalValuesLeft()).isZero();
    List<Object> emails = new ArrayList<>();
    publishedShop()
        .getCollection("customers")
        .find(Filters.in("_id", ids))
        .forEach(d -> emails.add(d.get("email")));
    assertThat(emails.toString()).doesNotContain("wrong@mail.test").doesNotContain("12345");
    assertThat(emails).containsNull();
  }

  @Test
  void lostUniqueIndex_failsVerification() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    masker(examplePlan(), options()).run();
    publishedShop().getCollection("customers").dropIndex("email_1");

    assertThatThrownBy(() -> masker(examplePlan(), options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("shop.customers lost its unique index email_1");
  }

  @Test
  void interruptedRun_resumesAndMasksEveryDocumentExactlyOnce() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    Map<Object, String> before = new HashMap<>();
    for (Document o : shop().getCollection("orders").find()) {
      before.put(o.get("_id"), o.getString("customer_email"));
    }
    AtomicLong seen = new AtomicLong();
    RunOptions dying =
        options()
            .withParallelism(2)
            .withProgress(
                (phase, done, total) -> {
                  if (seen.incrementAndGet() == 5) {
                    throw new IllegalStateException("simulated crash");
                  }
                });
    assertThatThrownBy(() -> masker(examplePlan(), dying).run())
        .hasMessageContaining("simulated crash");

    MaskingResult result = masker(examplePlan(), options()).run();

    assertThat(result.verified()).isTrue();
    Strategy email = Strategies.create("email", Map.of(), KEY);
    for (Document o : publishedShop().getCollection("orders").find()) {
      assertThat(o.getString("customer_email")).isEqualTo(email.mask(before.get(o.get("_id"))));
    }
    assertThat(personalValuesLeft()).isZero();
  }

  @Test
  void changedRules_refuseToResumeAHalfMaskedCopy() throws Exception {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    masker(examplePlan(), options()).run();
    String changed = Files.readString(EXAMPLE_RULES).replace("days: 180", "days: 181");

    assertThatThrownBy(() -> masker(plan(changed), options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("masked (or partly masked) with other rules");
  }

  @Test
  void dryRun_findsDriftAndWritesNothing() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    shop().getCollection("customers").updateMany(new Document(), Updates.set("ssn", "x"));
    Document before = shop().getCollection("customers").find().first();

    assertThatThrownBy(() -> masker(examplePlan(), options().withDryRun(true)).run())
        .hasMessageContaining("ssn (" + SMALL.customers() + " documents)");

    assertThat(shop().getCollection("customers").find(Filters.eq("_id", before.get("_id"))).first())
        .isEqualTo(before);
    assertThat(shop().getCollection("sessions").countDocuments()).isEqualTo(SMALL.sessions());
    assertThat(shop().listCollectionNames().into(new ArrayList<>()))
        .doesNotContain(MaskingRecord.COLLECTION);
    assertThat(publishedShop().listCollectionNames().into(new ArrayList<>()))
        .doesNotContain(MaskingRecord.COLLECTION);
    assertNothingPublished();
  }

  @Test
  void warnPolicy_leavesUndeclaredFieldsAndReportsThem() throws Exception {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    shop().getCollection("customers").updateMany(new Document(), Updates.set("nickname", "x"));
    String warn =
        Files.readString(EXAMPLE_RULES)
            .replace("undeclared-fields: fail", "undeclared-fields: warn");

    MaskingResult result = masker(plan(warn), options()).run();

    assertThat(result.verified()).isTrue();
    assertThat(result.undeclaredFields())
        .containsEntry("shop.customers", Map.of("nickname", (long) SMALL.customers()));
    assertThat(
            publishedShop().getCollection("customers").countDocuments(Filters.eq("nickname", "x")))
        .isEqualTo(SMALL.customers());
  }

  @Test
  void crashBetweenWriteAndCheckpoint_resumesWithoutMaskingTwice() {
    SyntheticShop.generateAll(client, SMALL, 7, personal::add);
    Map<Object, String> before = new HashMap<>();
    for (Document c : shop().getCollection("customers").find()) {
      before.put(c.get("_id"), c.getString("email"));
    }
    Map<Object, String> ordersBefore = new HashMap<>();
    for (Document o : shop().getCollection("orders").find()) {
      ordersBefore.put(o.get("_id"), o.getString("customer_email"));
    }
    AtomicLong writes = new AtomicLong();
    setAfterWriteHook(
        () -> {
          if (writes.incrementAndGet() == 2) {
            throw new IllegalStateException("killed after a write, before its checkpoint");
          }
        });
    try {
      assertThatThrownBy(() -> masker(examplePlan(), options().withParallelism(1)).run())
          .hasMessageContaining("killed after a write");
    } finally {
      setAfterWriteHook(null);
    }
    Document run =
        publishedShop()
            .getCollection(MaskingRecord.COLLECTION)
            .find(Filters.exists("pending"))
            .first();
    assertThat(run).as("a pending batch was left behind").isNotNull();

    masker(examplePlan(), options()).run();

    Strategy email = Strategies.create("email", Map.of(), KEY);
    for (Document c : publishedShop().getCollection("customers").find()) {
      assertThat(c.getString("email")).isEqualTo(email.mask(before.get(c.get("_id"))));
    }
    for (Document o : publishedShop().getCollection("orders").find()) {
      assertThat(o.getString("customer_email"))
          .isEqualTo(email.mask(ordersBefore.get(o.get("_id"))));
    }
    assertThat(personalValuesLeft()).isZero();
  }

  static Rules rules(String yaml) {
    return RulesLoader.parse("inline.yaml", yaml);
  }

  // ---- collection validators (issue 14) ---------------------------------------------------

  /**
   * A validator written for real values (one company's addresses) that the masked values fail does
   * not stop the run half-way: masked documents are written past it. Meaningful on mongod (the
   * *MongodIT classes); the in-process server keeps no validators, and there the test shows only
   * that the run is unaffected.
   */
  @Test
  void validatorThatMaskedValuesFail_doesNotStopTheRun() {
    MongoDatabase crm = client.getDatabase("crm");
    crm.createCollection(
        "people",
        new com.mongodb.client.model.CreateCollectionOptions()
            .validationOptions(
                new com.mongodb.client.model.ValidationOptions()
                    .validator(Filters.regex("email", "@corp\\.test$"))
                    .validationLevel(com.mongodb.client.model.ValidationLevel.STRICT)
                    .validationAction(com.mongodb.client.model.ValidationAction.ERROR)));
    List<Document> people = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      people.add(new Document("_id", i).append("email", "person" + i + "@corp.test"));
    }
    crm.getCollection("people").insertMany(people);
    String rules =
        """
        version: 1
        databases:
          crm:
            collections:
              people:
                fields:
                  _id: keep
                  email: email
        """;

    MaskingResult result = masker(plan(rules), options()).run();

    assertThat(result.verified()).isTrue();
    MongoCollection<Document> masked = published.getDatabase("crm").getCollection("people");
    assertThat(masked.countDocuments()).isEqualTo(300);
    assertThat(masked.countDocuments(Filters.regex("email", "@corp\\.test$"))).isZero();
  }

  // ---- unique indexes (issue 14): refused before any write, in place and when copying --------

  /**
   * Spellings a case-sensitive unique index tells apart but email folds together, and a non-unique
   * strategy under a parent key: both refused in one message before anything is written or
   * published, naming the index, the path and the fix, and never the values.
   */
  @Test
  void uniqueIndexesMaskingWouldBreak_areAllRefusedBeforeAnyWrite() {
    MongoCollection<Document> users = client.getDatabase("app").getCollection("users");
    users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
    users.createIndex(Indexes.ascending("person"), new IndexOptions().unique(true));
    users.insertOne(
        new Document("_id", 1)
            .append("email", "Ann@Mail.test")
            .append("person", new Document("first", "Ann")));
    users.insertOne(
        new Document("_id", 2)
            .append("email", "ann@mail.test")
            .append("person", new Document("first", "Bob")));
    List<Document> before = users.find().into(new ArrayList<>());
    String rules =
        """
        version: 1
        databases:
          app:
            collections:
              users:
                fields:
                  _id: keep
                  email: email
                  person.first: {strategy: name, part: first}
        """;

    assertThatThrownBy(() -> masker(plan(rules), options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("(2, nothing was written)")
        .hasMessageContaining(
            "test-rules.yaml:8: app.users.email: 1 groups of documents that unique index"
                + " 'email_1' tells apart would get one masked key")
        .hasMessageContaining("{strategy: email, case: preserve}")
        .hasMessageContaining(
            "test-rules.yaml:9: app.users.person.first: unique index 'person_1' covers this field")
        .hasMessageNotContaining("nn@")
        .hasMessageNotContaining("Bob");
    assertThat(users.find().into(new ArrayList<>())).isEqualTo(before);
    assertNothingPublished();

    masker(
            plan(
                rules
                    .replace("email: email", "email: {strategy: email, case: preserve}")
                    .replace("person.first: {strategy: name, part: first}", "person.first: token")),
            options())
        .run();
    assertThat(publishedUsers().find().map(d -> d.getString("email")).into(new ArrayList<>()))
        .hasSize(2)
        .doesNotHaveDuplicates()
        .allMatch(e -> e.endsWith("@example.com"));
  }

  private MongoCollection<Document> publishedUsers() {
    return published.getDatabase("app").getCollection("users");
  }

  // ---- _id (issue 14) ------------------------------------------------------------------------

  /**
   * MongoDB never updates {@code _id}: a rule on it, or on a field inside a sub-document {@code
   * _id}, is refused before any write (a sub-document id holding a scalar in some documents would
   * otherwise fail the update half-way).
   */
  @Test
  void ruleOnIdOrInsideIt_isRefusedBeforeAnyWrite() {
    MongoCollection<Document> keys = client.getDatabase("crm").getCollection("keys");
    keys.insertMany(
        List.of(
            new Document("_id", new Document("owner", "ann@mail.test").append("n", 1))
                .append("v", 1),
            new Document("_id", "bob@mail.test").append("v", 2)));
    List<Document> before = keys.find().into(new ArrayList<>());
    for (String rule : List.of("_id: token", "_id.owner: email")) {
      String rules =
          """
          version: 1
          databases:
            crm:
              collections:
                keys:
                  fields:
                    RULE
                    v: keep
          """
              .replace("RULE", rule);

      assertThatThrownBy(() -> masker(plan(rules), options()).run())
          .as(rule)
          .isInstanceOfSatisfying(
              MaskingException.class,
              e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
          .hasMessageContaining("crm.keys." + rule.substring(0, rule.indexOf(':')))
          .hasMessageContaining("declare _id keep");
      assertThat(keys.find().into(new ArrayList<>())).isEqualTo(before);
      assertNothingPublished();
    }
  }
}
