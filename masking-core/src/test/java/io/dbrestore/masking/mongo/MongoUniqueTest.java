package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import io.dbrestore.testsupport.InProcessMongo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unique indexes on the in-process MongoDB server: what would make a run fail half-way with a
 * duplicate key is refused before the first write (exit 2, invalid-rules, every problem in one
 * message naming the index, the path and the fix); what stays unique is masked.
 */
class MongoUniqueTest {
  static final MaskingKey KEY = MaskingKey.of("mongo-unique-test-key-0123456789abcdefghijkl");
  private static InProcessMongo server;
  private MongoClient client;
  private MongoCollection<Document> users;

  @BeforeAll
  static void startServer() {
    server = InProcessMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() {
    client = MongoClients.create(server.uri());
    client.getDatabase("app").drop();
    users = client.getDatabase("app").getCollection("users");
  }

  @AfterEach
  void close() {
    client.close();
  }

  MongoMasking masker(String fields) {
    String rules =
        "version: 1\ndatabases:\n  app:\n    collections:\n      users:\n        fields:\n"
            + fields.stripIndent().indent(10);
    MaskingPlan plan = MaskingPlan.compile(RulesLoader.parse("unique-rules.yaml", rules), KEY);
    return new MongoMasking(client, plan, MongoMasking.defaultOptions());
  }

  /** Every document, as JSON, in _id order: proof that nothing was written. */
  List<String> dump() {
    List<String> docs = new ArrayList<>();
    users.find().sort(Indexes.ascending("_id")).forEach(d -> docs.add(d.toJson()));
    return docs;
  }

  static void invalidRules(Throwable e) {
    assertThat(e).isInstanceOf(MaskingException.class);
    assertThat(((MaskingException) e).kind()).isEqualTo(MaskingException.Kind.INVALID_RULES);
  }

  /**
   * A unique index on a parent of a masked path compares the whole sub-document, and a compound
   * unique index the combination: a non-unique strategy on either can merge two documents. Both
   * refused, in one message, before any write.
   */
  @Test
  void parentAndCompoundUniqueIndexes_nonUniqueStrategies_allRefusedInOneMessage() {
    users.createIndex(Indexes.ascending("person"), new IndexOptions().unique(true));
    users.createIndex(
        Indexes.ascending("org", "handle"), new IndexOptions().unique(true).name("org_handle"));
    users.insertOne(
        new Document("_id", 1)
            .append("person", new Document("first", "Ann").append("last", "Lee"))
            .append("org", 1)
            .append("handle", "555-0101"));
    users.insertOne(
        new Document("_id", 2)
            .append("person", new Document("first", "Bob").append("last", "Lee"))
            .append("org", 1)
            .append("handle", "555-0102"));
    List<String> before = dump();

    assertThatThrownBy(
            () ->
                masker(
                        """
                        _id: keep
                        person.first: {strategy: name, part: first}
                        person.last: keep
                        org: keep
                        handle: phone
                        """)
                    .run())
        .satisfies(MongoUniqueTest::invalidRules)
        .hasMessageContaining(
            "unique-rules.yaml:8: app.users.person.first: unique index 'person_1'")
        .hasMessageContaining("app.users.handle: unique index 'org_handle'")
        .hasMessageContaining("use a unique strategy (email, token) or keep");
    assertThat(dump()).isEqualTo(before);
  }

  static final List<String> SPELLINGS =
      List.of("Ann@Mail.test", "ann@mail.test", "bob@mail.test", " bob@mail.test", "cy@mail.test");

  void spellings() {
    users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
    for (int i = 0; i < SPELLINGS.size(); i++) {
      users.insertOne(new Document("_id", i + 1).append("email", SPELLINGS.get(i)));
    }
  }

  /**
   * Spellings that a case-sensitive unique index tells apart but email folds into one pseudonym:
   * found by a read-only pass before any write and refused with the count, never the values.
   */
  @Test
  void emailFoldingSpellingsTheIndexTellsApart_isRefusedWithACount() {
    spellings();
    List<String> before = dump();

    assertThatThrownBy(() -> masker("_id: keep\nemail: email\n").run())
        .satisfies(MongoUniqueTest::invalidRules)
        .hasMessageContaining(
            "app.users.email: 2 groups of documents that unique index 'email_1' tells apart would"
                + " get one masked key")
        .hasMessageContaining("{strategy: email, case: preserve}")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContainIgnoringCase("ann@")
                    .doesNotContainIgnoringCase("bob@"));
    assertThat(dump()).isEqualTo(before);
  }

  @Test
  void emailCasePreserve_masksEverySpellingApart() {
    spellings();
    Strategy exact = Strategies.create("email", Map.of("case", "preserve"), KEY);

    masker("_id: keep\nemail: {strategy: email, case: preserve}\n").run();

    List<String> masked = new ArrayList<>();
    users.find().sort(Indexes.ascending("_id")).forEach(d -> masked.add(d.getString("email")));
    assertThat(masked)
        .containsExactlyElementsOf(SPELLINGS.stream().map(v -> (String) exact.mask(v)).toList());
  }

  /** An array path ('contacts[].email') is the multikey index 'contacts.email'. */
  @Test
  void multikeyIndexThroughAnArray_foldingCollisionAcrossDocuments_isRefused() {
    users.createIndex(Indexes.ascending("contacts.email"), new IndexOptions().unique(true));
    users.insertOne(
        new Document("_id", 1).append("contacts", List.of(new Document("email", "Ann@Mail.test"))));
    users.insertOne(
        new Document("_id", 2).append("contacts", List.of(new Document("email", "ann@mail.test"))));
    List<String> before = dump();

    assertThatThrownBy(() -> masker("_id: keep\ncontacts[].email: email\n").run())
        .satisfies(MongoUniqueTest::invalidRules)
        .hasMessageContaining(
            "app.users.contacts[].email: 1 groups of documents that unique index"
                + " 'contacts.email_1'");
    assertThat(dump()).isEqualTo(before);
  }

  /** 5 and "5" are distinct keys, but a text strategy masks both from the text "5". */
  @Test
  void numberAndStringOfOneText_tokenGivesOneValue_isRefused() {
    users.createIndex(Indexes.ascending("ext"), new IndexOptions().unique(true));
    users.insertOne(new Document("_id", 1).append("ext", 5));
    users.insertOne(new Document("_id", 2).append("ext", "5"));
    List<String> before = dump();

    assertThatThrownBy(() -> masker("_id: keep\next: token\n").run())
        .satisfies(MongoUniqueTest::invalidRules)
        .hasMessageContaining("app.users.ext: 1 groups of documents that unique index 'ext_1'");
    assertThat(dump()).isEqualTo(before);
  }

  /** Without colliding spellings, email under a unique index masks as usual. */
  @Test
  void distinctAddresses_maskFine() {
    users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
    users.insertOne(new Document("_id", 1).append("email", "Ann@Mail.test"));
    users.insertOne(new Document("_id", 2).append("email", "bob@mail.test"));
    Strategy email = Strategies.create("email", Map.of(), KEY);

    masker("_id: keep\nemail: email\n").run();

    assertThat(users.find(new Document("_id", 1)).first().getString("email"))
        .isEqualTo(email.mask("ann@mail.test"));
  }

  /**
   * A partial unique index whose filter reads a masked field: masking can move documents into the
   * filter, whatever the strategy. Refused before any write.
   */
  @Test
  void partialUniqueIndexFilterOnAMaskedField_isRefusedWhateverTheStrategy() {
    users.createIndex(
        Indexes.ascending("login"),
        new IndexOptions()
            .unique(true)
            .name("login_active")
            .partialFilterExpression(new Document("status", "active")));
    users.insertOne(new Document("_id", 1).append("login", "ann").append("status", "active"));
    users.insertOne(new Document("_id", 2).append("login", "bob").append("status", "closed"));
    List<String> before = dump();

    assertThatThrownBy(
            () ->
                masker("_id: keep\nlogin: keep\nstatus: {strategy: constant, value: active}\n")
                    .run())
        .satisfies(MongoUniqueTest::invalidRules)
        .hasMessageContaining(
            "app.users.status: read by the partialFilterExpression of unique index"
                + " 'login_active'")
        .hasMessageContaining("drop the index on the copy");
    assertThat(dump()).isEqualTo(before);
  }

  /**
   * Kept key parts that are numbers without a decimal form (NaN, infinities) or Decimal128 do not
   * break the pass over a compound unique index.
   */
  @Test
  void nanInfinityAndDecimalKeptKeyParts_doNotBreakThePass() {
    users.createIndex(Indexes.ascending("ext", "score"), new IndexOptions().unique(true));
    users.insertOne(new Document("_id", 1).append("ext", "a").append("score", Double.NaN));
    users.insertOne(
        new Document("_id", 2).append("ext", "a").append("score", Double.POSITIVE_INFINITY));
    users.insertOne(
        new Document("_id", 3)
            .append("ext", "a")
            .append("score", org.bson.types.Decimal128.parse("12.50")));
    users.insertOne(new Document("_id", 4).append("ext", "b").append("score", 12.5));

    masker("_id: keep\next: token\nscore: keep\n").run();

    assertThat(users.countDocuments(new Document("ext", "a"))).isZero();
  }

  /** A kept Decimal128 12.50 and a double 12.5 are one key to MongoDB, and to the pass. */
  @Test
  void decimalAndDoubleOfOneValue_areOneKeyPart() {
    users.createIndex(Indexes.ascending("email", "score"), new IndexOptions().unique(true));
    users.insertOne(
        new Document("_id", 1)
            .append("email", "Ann@Mail.test")
            .append("score", org.bson.types.Decimal128.parse("12.50")));
    users.insertOne(new Document("_id", 2).append("email", "ann@mail.test").append("score", 12.5));
    List<String> before = dump();

    assertThatThrownBy(() -> masker("_id: keep\nemail: email\nscore: keep\n").run())
        .satisfies(MongoUniqueTest::invalidRules)
        .hasMessageContaining("app.users.email: 1 groups of documents that unique index");
    assertThat(dump()).isEqualTo(before);
  }

  /** A unique index inside a sub-document that one rule masks leaf by leaf is checked too. */
  @Test
  void indexInsideAMaskedSubDocument_foldingCollision_isRefused() {
    users.createIndex(Indexes.ascending("contact.addr"), new IndexOptions().unique(true));
    users.insertOne(
        new Document("_id", 1).append("contact", new Document("addr", "Ann@Mail.test")));
    users.insertOne(
        new Document("_id", 2).append("contact", new Document("addr", "ann@mail.test")));
    List<String> before = dump();

    assertThatThrownBy(() -> masker("_id: keep\ncontact: email\n").run())
        .satisfies(MongoUniqueTest::invalidRules)
        .hasMessageContaining(
            "app.users.contact: 1 groups of documents that unique index 'contact.addr_1'");
    assertThat(dump()).isEqualTo(before);
  }
}
