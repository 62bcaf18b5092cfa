package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Personal data used as the keys of a sub-document ({@code prefs: {"ann@mail.test": {...}}}),
 * masked with {@code prefs{}} and reached under {@code prefs.*}, on both MongoDB paths (in place
 * and copy) on in-process wire-protocol servers; and values of another shape than the rules declare
 * (issue 14).
 */
class MongoMapKeysTest {
  static final MaskingKey KEY = MaskingKey.of("mongo-masking-test-key-0123456789abcdefghij");
  static final Strategy EMAIL = Strategies.create("email", Map.of(), KEY);

  static final String RULES =
      """
      version: 1
      policy:
        undeclared-fields: fail
      databases:
        app:
          collections:
            users:
              fields:
                _id: keep
                email: email
                prefs{}: email
                prefs.*.theme: keep
                prefs.*.note: redact
                contacts[].prefs{}: email
                contacts[].prefs.*: keep
                settings.volume: keep
      """;

  private static InProcessMongo sourceServer;
  private static InProcessMongo destinationServer;
  private MongoClient source;
  private MongoClient destination;

  @BeforeAll
  static void startServers() {
    sourceServer = InProcessMongo.start();
    destinationServer = InProcessMongo.start();
  }

  @AfterAll
  static void stopServers() {
    sourceServer.close();
    destinationServer.close();
  }

  @BeforeEach
  void connect() {
    source = MongoClients.create(sourceServer.uri());
    destination = MongoClients.create(destinationServer.uri());
    for (MongoClient c : List.of(source, destination)) {
      for (String db : c.listDatabaseNames()) {
        if (!MaskingRecord.SYSTEM_DATABASES.contains(db)) {
          c.getDatabase(db).drop();
        }
      }
    }
  }

  @AfterEach
  void disconnect() {
    source.close();
    destination.close();
  }

  static MaskingPlan plan(String rules) {
    return MaskingPlan.compile(RulesLoader.parse("keys.yaml", rules), KEY);
  }

  /** Runs in place ({@code "in-place"}) or as a copy into the destination ({@code "copy"}). */
  MaskingResult run(String path, String rules) {
    return path.equals("in-place")
        ? new MongoMasking(source, plan(rules), MongoMasking.defaultOptions()).run()
        : new MongoCopy(source, destination, plan(rules), MongoMasking.defaultOptions()).run();
  }

  MongoCollection<Document> users() {
    return source.getDatabase("app").getCollection("users");
  }

  /** Where a run publishes: the source in place, the destination for a copy. */
  MongoCollection<Document> published(String path) {
    return (path.equals("in-place") ? source : destination)
        .getDatabase("app")
        .getCollection("users");
  }

  static List<String> dump(MongoCollection<Document> c) {
    List<String> docs = new ArrayList<>();
    c.find().sort(new Document("_id", 1)).forEach(d -> docs.add(d.toJson()));
    return docs;
  }

  static Document prefs(Object... keysAndThemes) {
    Document d = new Document();
    for (int i = 0; i < keysAndThemes.length; i += 2) {
      d.append((String) keysAndThemes[i], new Document("theme", keysAndThemes[i + 1]));
    }
    return d;
  }

  void plantUsers() {
    users()
        .insertOne(
            new Document("_id", 1)
                .append("email", "ann@mail.test")
                .append(
                    "prefs",
                    prefs("ann@mail.test", "dark", "bob@mail.test", "light")
                        .append(
                            "carl@mail.test",
                            new Document("theme", "blue").append("note", "call Carl at home")))
                .append(
                    "contacts",
                    List.of(
                        new Document(
                            "prefs",
                            new Document("dan@mail.test", List.of("a", new Document("x", 1)))))));
    users()
        .insertOne(
            new Document("_id", 2)
                .append("email", "bob@mail.test")
                .append("prefs", new Document())
                .append("settings", new Document("volume", 3)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"in-place", "copy"})
  void keysAreMaskedWithTheSamePseudonymAsTheFieldValue_andValuesUnderStarRules(String path) {
    plantUsers();

    MaskingResult result = run(path, RULES);

    assertThat(result.verified()).isTrue();
    Document ann = published(path).find(Filters.eq("_id", 1)).first();
    String annMasked = EMAIL.mask("ann@mail.test").toString();
    assertThat(ann.getString("email")).isEqualTo(annMasked);
    Document prefs = ann.get("prefs", Document.class);
    // Same key, same pseudonym as the field: the entries keep their values and their order.
    assertThat(new ArrayList<>(prefs.keySet()))
        .containsExactly(
            annMasked,
            EMAIL.mask("bob@mail.test").toString(),
            EMAIL.mask("carl@mail.test").toString());
    assertThat(prefs.get(annMasked, Document.class).getString("theme")).isEqualTo("dark");
    Document carl = prefs.get(EMAIL.mask("carl@mail.test").toString(), Document.class);
    assertThat(carl.getString("theme")).isEqualTo("blue");
    assertThat(carl.getString("note")).isNotEqualTo("call Carl at home");
    Document contactPrefs =
        ann.getList("contacts", Document.class).get(0).get("prefs", Document.class);
    assertThat(contactPrefs.keySet()).containsExactly(EMAIL.mask("dan@mail.test").toString());
    assertThat(dump(published(path)).toString())
        .doesNotContain("@mail.test\"")
        .doesNotContain("call Carl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"in-place", "copy"})
  void undeclaredFieldUnderAMap_isReportedWithStar_neverTheKey(String path) {
    plantUsers();
    users()
        .updateOne(
            Filters.eq("_id", 2),
            Updates.combine(
                Updates.set(
                    "prefs",
                    new Document("erin@mail.test", new Document("theme", "x").append("pin", 1))),
                Updates.set("settings", new Document("fred@mail.test", 1))));

    assertThatThrownBy(() -> run(path, RULES))
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("app.users: prefs.*.pin (1 document), settings.<hidden> (1 document)")
        .hasMessageNotContaining("erin@")
        .hasMessageNotContaining("fred@");
  }

  @ParameterizedTest
  @ValueSource(strings = {"in-place", "copy"})
  void twoKeysThatMaskToOneKey_failTheRunNamingThePath_neverTheKeys(String path) {
    plantUsers();
    users()
        .updateOne(
            Filters.eq("_id", 2),
            Updates.set("prefs", prefs("Gail@Mail.test", "dark", " gail@mail.test", "light")));
    List<String> before = dump(users());

    assertThatThrownBy(() -> run(path, RULES))
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining(
            "app.users: two keys of one sub-document at 'prefs' mask to the same key with"
                + " 'prefs{}: email' (line 11), which would merge their entries")
        .hasMessageContaining("mask these keys with token, or make them distinct in the source")
        .satisfies(e -> assertThat(e.getMessage().toLowerCase()).doesNotContain("gail"));
    // One batch: nothing was written, in the source or the destination.
    assertThat(dump(users())).isEqualTo(before);
    if (path.equals("copy")) {
      assertThat(dump(published(path))).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"in-place", "copy"})
  void keysMaskedWithToken_keepCaseVariantsApart(String path) {
    plantUsers();
    users()
        .updateOne(
            Filters.eq("_id", 2),
            Updates.set("prefs", prefs("Gail@Mail.test", "dark", "gail@mail.test", "light")));
    String rules = RULES.replace("prefs{}: email\n", "prefs{}: token\n");

    assertThat(run(path, rules).verified()).isTrue();

    Strategy token = Strategies.create("token", Map.of(), KEY);
    Document prefs =
        published(path).find(Filters.eq("_id", 2)).first().get("prefs", Document.class);
    assertThat(new ArrayList<>(prefs.keySet()))
        .containsExactly(
            token.mask("Gail@Mail.test").toString(), token.mask("gail@mail.test").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"in-place", "copy"})
  void verification_catchesAKeyLeftUnmasked(String path) {
    plantUsers();
    run(path, RULES);
    published(path)
        .updateOne(Filters.eq("_id", 2), Updates.set("prefs", prefs("leak@mail.test", "dark")));

    MaskingPlan plan = plan(RULES);
    assertThatThrownBy(
            () -> {
              if (path.equals("in-place")) {
                new MongoMasking(source, plan, MongoMasking.defaultOptions()).verifyOnly();
              } else {
                new MongoCopy(source, destination, plan, MongoMasking.defaultOptions())
                    .verifyOnly();
              }
            })
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("app.users: field prefs{} is not in masked form in 1 document")
        .hasMessageNotContaining("leak@");
  }

  @ParameterizedTest
  @ValueSource(strings = {"in-place", "copy"})
  void scalarWhereASubDocumentIsDeclared_isSetToNullAndCounted_underBothPolicies(String path) {
    plantUsers();
    users().updateOne(Filters.eq("_id", 2), Updates.set("prefs", "hana@mail.test"));
    List<String> before = dump(users());

    assertThatThrownBy(() -> run(path, RULES))
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining(
            "app.users: prefs (1 document) holding a string where the rules expect a"
                + " sub-document (set to null)")
        .hasMessageNotContaining("hana@");
    if (path.equals("copy")) {
      // The copy withholds the document under the fail policy; the source is only read.
      assertThat(dump(users())).isEqualTo(before);
      assertThat(published(path).countDocuments(Filters.eq("_id", 2))).isZero();
    } else {
      assertThat(published(path).find(Filters.eq("_id", 2)).first().get("prefs")).isNull();
    }

    // Under warn the run goes on: the value is set to null, never published as it was.
    connect();
    plantUsers();
    users().updateOne(Filters.eq("_id", 2), Updates.set("prefs", "hana@mail.test"));
    MaskingResult warned =
        run(path, RULES.replace("undeclared-fields: fail", "undeclared-fields: warn"));

    assertThat(warned.verified()).isTrue();
    Document bob = published(path).find(Filters.eq("_id", 2)).first();
    assertThat(bob.containsKey("prefs")).isTrue();
    assertThat(bob.get("prefs")).isNull();
    assertThat(dump(published(path)).toString()).doesNotContain("hana@");
  }
}
