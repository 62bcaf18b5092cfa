package io.dbrestore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.mongo.MongoCopy;
import io.dbrestore.masking.mongo.MongoMasking;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.testsupport.InProcessMongo;
import io.dbrestore.testsupport.SyntheticShop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rules diff} against the demo's MongoDB shop: with a field, then a whole collection, taken
 * out of the demo's rules, the patch names exactly what is missing with the expected suggestion,
 * never a value; applied, the real masking run with verification passes.
 */
class RulesDiffMongoTest {
  static InProcessMongo server;
  static MongoClient client;
  static final Set<Object> personal = new HashSet<>();
  @TempDir Path dir;

  @BeforeAll
  static void shop() {
    server = InProcessMongo.start();
    client = MongoClients.create(server.uri());
    SyntheticShop.generateAll(
        client, new SyntheticShop.Sizes(200, 480, 80, 120, 40), 7, personal::add);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static String demoRules() throws Exception {
    return Files.readString(Path.of("../examples/rules.yaml"), StandardCharsets.UTF_8);
  }

  private Path rules(String text) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void demoRules_coverTheShop_exit0_withTheSqlSchemaAsAStaleWarning() throws Exception {
    TestHost run =
        TestHost.run(
            Map.of(), "diff", "--rules", rules(demoRules()).toString(), "--uri", server.uri());

    assertThat(run.exitCode).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("stale", "declare everything");
    assertThat(run.stdout())
        .contains("# stale: database crm matches nothing")
        .doesNotContain("review:");

    // Every rule of the shop matched a value of the full scan: only the SQL schema is stale.
    TestHost json =
        TestHost.run(
            Map.of(),
            "diff",
            "--rules",
            rules(demoRules()).toString(),
            "--uri",
            server.uri(),
            "--json");
    JsonNode result = new ObjectMapper().readTree(json.stdout());
    assertThat(result.get("drift").asBoolean()).isFalse();
    assertThat(result.get("undeclared")).isEmpty();
    assertThat(result.get("stale").toString())
        .isEqualTo("[{\"database\":\"crm\",\"collection\":null,\"path\":null}]");
  }

  @Test
  void aRemovedField_isInThePatch_andApplyingItMakesTheMaskingRunPass() throws Exception {
    String original = demoRules();
    String without = original.replace("          marketing_opt_in: keep\n", "");
    assertThat(without).isNotEqualTo(original);
    Path file = rules(without);

    TestHost diff =
        TestHost.run(Map.of(), "diff", "--rules", file.toString(), "--uri", server.uri());

    assertThat(diff.exitCode).as(diff.stderr()).isEqualTo(3);
    assertThat(diff.stdout())
        .contains("databases:\n  shop:\n    collections:\n      customers:\n        fields:\n")
        .containsPattern("\\n {10}marketing_opt_in: keep  # review: [^\\n]+\\n");
    assertThat(diff.stdout().lines().filter(l -> l.contains("# review:")).count()).isEqualTo(1);
    assertThat(diff.stderr()).contains("rules-drift", "1 field or column");
    assertNoValue(diff);

    TestHost json =
        TestHost.run(
            Map.of(),
            "diff",
            "--rules",
            file.toString(),
            "--uri",
            server.uri(),
            "--json",
            "--exit-zero");
    assertThat(json.exitCode).isZero();
    JsonNode result = new ObjectMapper().readTree(json.stdout());
    assertThat(result.get("drift").asBoolean()).isTrue();
    assertThat(result.get("undeclared")).hasSize(1);
    JsonNode u = result.get("undeclared").get(0);
    assertThat(u.get("database").asText()).isEqualTo("shop");
    assertThat(u.get("collection").asText()).isEqualTo("customers");
    assertThat(u.get("path").asText()).isEqualTo("marketing_opt_in");
    assertThat(u.get("kind").asText()).isEqualTo("field");
    assertThat(u.get("documents").asLong()).isEqualTo(200);
    assertThat(u.get("suggestion").asText()).isEqualTo("keep");
    assertThat(result.get("patch").asText()).contains("marketing_opt_in: keep");
    assertNoValue(json);

    TestHost apply =
        TestHost.run(
            Map.of(), "diff", "--rules", file.toString(), "--uri", server.uri(), "--apply");
    assertThat(apply.exitCode).isEqualTo(3);
    String patched = Files.readString(file);
    // Every line of the file is still there, in order; one line was added.
    assertThat(patched.lines().filter(l -> !l.contains("marketing_opt_in")).toList())
        .isEqualTo(without.lines().toList());
    assertThat(patched).contains("          marketing_opt_in: keep  # review:");

    assertThat(TestHost.run(Map.of(), "check", file.toString()).exitCode).isZero();
    TestHost again =
        TestHost.run(Map.of(), "diff", "--rules", file.toString(), "--uri", server.uri());
    assertThat(again.exitCode).as(again.stderr()).isZero();

    assertMaskingPasses(file);
  }

  @Test
  void aRemovedCollection_isSuggestedFieldByField_andApplyingItMakesTheMaskingRunPass()
      throws Exception {
    String original = demoRules();
    int from = original.indexOf("      support_tickets:\n");
    int to = original.indexOf("      # No personal data: left as it is.");
    String without = original.substring(0, from) + original.substring(to);
    Path file = rules(without);

    TestHost diff =
        TestHost.run(Map.of(), "diff", "--rules", file.toString(), "--uri", server.uri());

    assertThat(diff.exitCode).as(diff.stderr()).isEqualTo(3);
    assertThat(diff.stdout())
        .contains("      support_tickets:  # review: undeclared collection (80 documents)")
        .containsPattern("\\n {10}_id: keep  # review: _id cannot be masked")
        .containsPattern("\\n {10}requester: email  # review: values look like e-mail")
        .containsPattern("\\n {10}body: redact  # review: ")
        .containsPattern("\\n {10}subject: redact  # review: ")
        .doesNotContain("customers:", "orders:");
    assertNoValue(diff);

    TestHost apply =
        TestHost.run(
            Map.of(), "diff", "--rules", file.toString(), "--uri", server.uri(), "--apply");
    assertThat(apply.exitCode).isEqualTo(3);
    assertThat(
            TestHost.run(Map.of(), "diff", "--rules", file.toString(), "--uri", server.uri())
                .exitCode)
        .isZero();
    assertMaskingPasses(file);
  }

  @Test
  void aRuleForAFieldNoDocumentHolds_isStale_butNotDrift() throws Exception {
    String text =
        demoRules()
            .replace(
                "          created: keep\n", "          created: keep\n          fax: phone\n");
    TestHost diff =
        TestHost.run(
            Map.of(),
            "diff",
            "--rules",
            rules(text).toString(),
            "--uri",
            server.uri(),
            "--databases",
            "shop");

    assertThat(diff.exitCode).as(diff.stderr()).isZero();
    assertThat(diff.stdout()).contains("# stale: fax matches nothing — remove?");
    assertThat(diff.stdout()).doesNotContain("crm");
    assertThat(diff.stderr()).contains("warning: stale rules", "1 rule matches nothing");

    // A sample cannot tell: no stale field rule is reported.
    TestHost sampled =
        TestHost.run(
            Map.of(),
            "diff",
            "--rules",
            rules(text).toString(),
            "--uri",
            server.uri(),
            "--databases",
            "shop",
            "--sample",
            "20");
    assertThat(sampled.exitCode).as(sampled.stderr()).isZero();
    assertThat(sampled.stdout()).doesNotContain("fax");
  }

  @Test
  void aNewFieldUnderAUniqueIndex_getsAUniqueStrategy_andTheRunPasses() throws Exception {
    try (InProcessMongo own = InProcessMongo.start();
        MongoClient c = MongoClients.create(own.uri())) {
      var users = c.getDatabase("app").getCollection("users");
      users.createIndex(
          com.mongodb.client.model.Indexes.ascending("handle"),
          new com.mongodb.client.model.IndexOptions().unique(true));
      for (int i = 0; i < 20; i++) {
        users.insertOne(
            new org.bson.Document("_id", i).append("handle", "h" + i).append("bio", "about " + i));
      }
      Path file =
          rules(
              "version: 1\ndatabases:\n  app:\n    collections:\n      users:\n        fields:\n"
                  + "          _id: keep\n");

      TestHost diff =
          TestHost.run(Map.of(), "diff", "--rules", file.toString(), "--uri", own.uri());

      assertThat(diff.exitCode).as(diff.stderr()).isEqualTo(3);
      assertThat(diff.stdout())
          .contains("          handle: token  # review: a unique index covers it")
          .contains("          bio: redact  # review: ");
      TestHost.run(Map.of(), "diff", "--rules", file.toString(), "--uri", own.uri(), "--apply");
      MaskingPlan plan =
          MaskingPlan.compile(RulesLoader.load(file), MaskingKey.of(DemoCommand.DEMO_KEY));
      try (InProcessMongo published = InProcessMongo.start();
          MongoClient target = MongoClients.create(published.uri())) {
        assertThat(
                new MongoCopy(c, target, plan, MongoMasking.defaultOptions().withParallelism(1))
                    .run()
                    .verified())
            .isTrue();
      }
    }
  }

  @Test
  void check_goodAndBadFiles() throws Exception {
    TestHost good = TestHost.run(Map.of(), "check", rules(demoRules()).toString());
    assertThat(good.exitCode).as(good.stderr()).isZero();
    assertThat(good.stdout())
        .containsPattern("rules.yaml: OK \\(3 databases, \\d+ collections, \\d+ field rules\\)");

    TestHost bad =
        TestHost.run(
            Map.of(),
            "check",
            rules(
                    demoRules()
                        .replace("work_email: {strategy: email,", "work_email: {strategy: emial,"))
                .toString());
    assertThat(bad.exitCode).isEqualTo(2);
    assertThat(bad.stderr()).containsPattern("rules.yaml:\\d+: .*unknown strategy 'emial'");

    TestHost option =
        TestHost.run(
            Map.of(), "check", rules(demoRules().replace("days: 180}", "days: 0}")).toString());
    assertThat(option.exitCode).isEqualTo(2);
    assertThat(option.stderr()).contains("rules.yaml:");
  }

  @Test
  void unreachableMongo_isExit2_sayingSo() throws Exception {
    TestHost run =
        TestHost.run(
            Map.of(),
            "diff",
            "--rules",
            rules(demoRules()).toString(),
            "--uri",
            "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500");
    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.stderr()).contains("cannot read MongoDB at 127.0.0.1:1");
  }

  private static void assertMaskingPasses(Path rules) throws Exception {
    MaskingPlan plan =
        MaskingPlan.compile(RulesLoader.load(rules), MaskingKey.of(DemoCommand.DEMO_KEY));
    try (InProcessMongo published = InProcessMongo.start();
        MongoClient target = MongoClients.create(published.uri())) {
      MaskingResult result =
          new MongoCopy(client, target, plan, MongoMasking.defaultOptions().withParallelism(2))
              .run();
      assertThat(result.verified()).isTrue();
      assertThat(DemoCommand.scan(target, personal)).isZero();
    }
  }

  static void assertNoValue(TestHost run) {
    String all = run.stdout() + run.stderr();
    for (Object v : personal) {
      String text = String.valueOf(v);
      if (text.length() >= 4) {
        assertThat(all).as("a value of the data set was printed").doesNotContain(text);
      }
    }
  }
}
