package io.dbrestore.masking.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesException;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Documents walked with their rules, compared, rendered as a patch and written into the rules text:
 * paths only, never values; the patched text loads and covers the documents.
 */
class DriftReportTest {
  static final String RULES =
      """
      version: 1
      # the app's rules
      databases:
        app:
          collections:
            users:
              fields:
                _id: keep
                email: email        # unique
                prefs{}: email
                prefs.*.theme: keep
                old_field: redact
            audit: keep
      """;

  static final String SECRET_EMAIL = "someone.private@mail.test";

  static Surveyed.Survey survey(Rules rules, List<Document> users, List<Document> newbies) {
    MaskingPlan plan = MaskingPlan.compile(rules, MaskingKey.of("k".repeat(40)));
    Surveyed.Survey survey = new Surveyed.Survey(Set.of());
    survey.database("app");
    Findings f = new Findings("field");
    users.forEach(d -> f.document(plan.collection("app", "users").get().tree(), d));
    survey.add(new Surveyed("app", "users", "collection", f.documents(), true, true, null, f));
    survey.add(
        new Surveyed("app", "audit", "collection", 3L, true, false, null, new Findings("field")));
    Findings n = new Findings("field");
    var declared = plan.collection("app", "newbies");
    var tree =
        declared
            .map(MaskingPlan.CollectionPlan::tree)
            .orElseGet(io.dbrestore.masking.engine.FieldTree::new);
    newbies.forEach(d -> n.document(tree, d));
    survey.add(
        new Surveyed(
            "app", "newbies", "collection", n.documents(), declared.isPresent(), true, null, n));
    return survey;
  }

  static List<Document> users() {
    return List.of(
        new Document("_id", 1)
            .append("email", SECRET_EMAIL)
            .append(
                "prefs",
                new Document(SECRET_EMAIL, new Document("theme", "dark").append("lang", "ja")))
            .append("is_admin", true)
            .append("profile", new Document("firstName", "Ann").append("birthDate", new Date(0))),
        new Document("_id", 2)
            .append("email", "b@mail.test")
            .append("prefs", "a string where a map is expected")
            .append("profile", new Document("firstName", "Bo")));
  }

  static List<Document> newbies() {
    return List.of(
        new Document("_id", 1)
            .append("contact", "x.y@mail.test")
            .append("tags", List.of("a", "b"))
            .append("meta", new Document("owner@mail.test", 3)),
        new Document("_id", 2).append("contact", "z@mail.test").append("tags", List.of()));
  }

  @Test
  void undeclaredPaths_suggestions_staleRules_andShapes() {
    Rules rules = RulesLoader.parse("rules.yaml", RULES);
    DriftReport.Comparison c =
        DriftReport.build(rules, survey(rules, users(), newbies()), true, db -> "collections");
    DriftReport r = c.report();

    assertThat(r.drift()).isTrue();
    assertThat(r.undeclared())
        .extracting(u -> u.collection() + " " + u.path() + " " + u.kind() + " " + u.suggestion())
        .containsExactly(
            "users prefs.*.lang field redact",
            "users is_admin field keep",
            "users profile.firstName field name",
            "users profile.birthDate field date-shift",
            "users prefs shape null",
            "newbies null collection fields",
            "newbies _id field keep",
            "newbies contact field email",
            "newbies tags[] field redact",
            "newbies meta{} field email",
            "newbies meta.* field keep");
    assertThat(r.undeclared().get(1).documents()).isEqualTo(1L);
    assertThat(r.stale()).containsExactly(new DriftReport.Stale("app", "users", "old_field"));
    assertThat(r.patch())
        .contains(
            "      users:\n        fields:\n" + "          prefs.*.lang: redact  # review: ",
            "          profile.firstName: {strategy: name, part: first}  # review: ",
            "          profile.birthDate: {strategy: date-shift, days: 30}  # review: ",
            "          # review: prefs holding a string where the rules expect a sub-document in 1"
                + " document",
            "          # stale: old_field matches nothing — remove?",
            "      newbies:  # review: undeclared collection (2 documents); holds fields to mask\n"
                + "        fields:\n"
                + "          _id: keep  # review: _id cannot be masked",
            "          meta{}: email  # review: keys of a map that look like e-mail addresses")
        .doesNotContain(SECRET_EMAIL, "x.y@mail.test", "owner@mail.test", "Ann", "dark");
  }

  @Test
  void apply_insertsIntoTheText_keepsEveryLine_andTheResultLoadsAndCoversTheDocuments() {
    Rules rules = RulesLoader.parse("rules.yaml", RULES);
    DriftReport.Comparison c =
        DriftReport.build(rules, survey(rules, users(), newbies()), true, db -> "collections");

    String patched = RulesPatch.apply(RULES, rules, c);

    // Every line of the file, in order, and in between only new lines.
    List<String> original = RULES.lines().toList();
    List<String> added = new java.util.ArrayList<>();
    int kept = 0;
    for (String l : patched.lines().toList()) {
      if (kept < original.size() && l.equals(original.get(kept))) {
        kept++;
      } else {
        added.add(l);
      }
    }
    assertThat(kept).isEqualTo(original.size());
    assertThat(added)
        .isNotEmpty()
        .allMatch(l -> l.contains("# review:") || l.trim().equals("fields:"));
    assertThat(patched)
        .contains(
            "          old_field: redact\n          prefs.*.lang: redact  # review:",
            "      audit: keep\n      newbies:  # review:");
    Rules again = RulesLoader.parse("rules.yaml", patched);
    DriftReport second =
        DriftReport.build(again, survey(again, users(), newbies()), true, db -> "collections")
            .report();
    // What is left: the shape, which no rule fixes.
    assertThat(second.undeclared())
        .extracting(DriftReport.Undeclared::kind)
        .containsExactly("shape");
  }

  @Test
  void apply_aNewDatabase_withCrLfLineEnds() {
    String text = RULES.replace("\n", "\r\n");
    Rules rules = RulesLoader.parse("rules.yaml", text);
    Surveyed.Survey survey = new Surveyed.Survey(Set.of());
    survey.database("app");
    survey.database("other");
    Findings f = new Findings("field");
    f.document(new io.dbrestore.masking.engine.FieldTree(), new Document("_id", 1).append("n", 2));
    survey.add(new Surveyed("other", "things", "collection", 1L, false, true, null, f));
    DriftReport.Comparison c = DriftReport.build(rules, survey, true, db -> null);

    String patched = RulesPatch.apply(text, rules, c);

    assertThat(patched)
        .contains("\r\n  other:\r\n    collections:\r\n      things: keep  # review:");
    assertThat(RulesLoader.parse("rules.yaml", patched).databases()).containsKeys("app", "other");
  }

  @Test
  void apply_refusesFlowStyle() {
    String text =
        "version: 1\ndatabases:\n  app:\n    collections:\n      users: {fields: {a: keep}}\n";
    Rules rules = RulesLoader.parse("rules.yaml", text);
    Surveyed.Survey survey = new Surveyed.Survey(Set.of());
    survey.database("app");
    Findings f = new Findings("field");
    f.document(
        MaskingPlan.compile(rules, MaskingKey.of("k".repeat(40)))
            .collection("app", "users")
            .get()
            .tree(),
        new Document("a", 1).append("b", 2));
    survey.add(new Surveyed("app", "users", "collection", 1L, true, true, null, f));
    DriftReport.Comparison c = DriftReport.build(rules, survey, true, db -> "collections");

    assertThatThrownBy(() -> RulesPatch.apply(text, rules, c))
        .isInstanceOf(RulesException.class)
        .hasMessageContaining("rules.yaml:5: written in flow style");
  }

  @Test
  void suggestions_fromNamesAndSqlTypes() {
    Leaf.Column text = new Leaf.Column("text", Leaf.ColumnKind.TEXT, true, false);
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("work_email", "email"),
            Map.entry("mobile", "phone"),
            Map.entry("last_name", "name"),
            Map.entry("name_kana", "name"),
            Map.entry("street_address", "redact"),
            Map.entry("customer_uuid", "token"),
            Map.entry("session_token", "token"),
            Map.entry("client_ip", "token"),
            Map.entry("is_active", "keep"),
            Map.entry("marketing_opt_in", "keep"),
            Map.entry("dob", "date-shift"),
            Map.entry("whatever", "redact"));
    expected.forEach(
        (name, strategy) ->
            assertThat(Suggestions.forColumn(name, text).strategy()).as(name).isEqualTo(strategy));
    assertThat(
            Suggestions.forColumn(
                    "birth_date", new Leaf.Column("date", Leaf.ColumnKind.TEMPORAL, true, false))
                .yaml())
        .isEqualTo("{strategy: date-shift, days: 30}");
    assertThat(
            Suggestions.forColumn(
                    "created_at",
                    new Leaf.Column("timestamp", Leaf.ColumnKind.TEMPORAL, true, false))
                .strategy())
        .isEqualTo("keep");
    assertThat(
            Suggestions.forColumn(
                    "phone_count", new Leaf.Column("integer", Leaf.ColumnKind.NUMBER, true, false))
                .strategy())
        .isEqualTo("keep");
    assertThat(
            Suggestions.forColumn(
                    "code", new Leaf.Column("text", Leaf.ColumnKind.TEXT, false, true))
                .strategy())
        .isEqualTo("token");
  }

  @Test
  void manyNamesThatLookLikeFieldNames_areAMap_notOnePathEach() {
    Rules rules = RulesLoader.parse("rules.yaml", RULES);
    Surveyed.Survey survey = new Surveyed.Survey(Set.of());
    survey.database("app");
    Findings f = new Findings("field");
    for (int i = 0; i < 300; i++) {
      Document scores = new Document();
      scores.append("user" + i, i).append("user" + (i + 1), i + 1);
      f.document(
          new io.dbrestore.masking.engine.FieldTree(),
          new Document("_id", i).append("scores", scores));
    }
    survey.add(new Surveyed("app", "games", "collection", 300L, false, true, null, f));

    DriftReport r = DriftReport.build(rules, survey, true, db -> "collections").report();

    assertThat(r.undeclared())
        .extracting(DriftReport.Undeclared::path)
        .containsExactly(null, "_id", "scores{}", "scores.*");
    assertThat(r.patch()).contains("scores{}: token", "scores.*: keep").doesNotContain("user1");
  }
}
