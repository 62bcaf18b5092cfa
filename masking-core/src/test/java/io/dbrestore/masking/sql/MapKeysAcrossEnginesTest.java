package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * One key, one pseudonym: the keys of a MongoDB sub-document (decoded BSON) and of an SQL JSON
 * column (the tree {@link Rows#parseJson} gives) go through the same masker and strategy, so the
 * same key masks to the same text in both engines, and to what the strategy gives the same text as
 * a field value (issue 14).
 */
class MapKeysAcrossEnginesTest {
  static final MaskingKey KEY = MaskingKey.of("map-keys-across-engines-0123456789abcdefghij");

  static DocumentMasker masker() {
    MaskingPlan plan =
        MaskingPlan.compile(
            RulesLoader.parse(
                "keys.yaml",
                """
                version: 1
                databases:
                  app:
                    collections:
                      users:
                        fields:
                          owner: email
                          prefs{}: email
                          prefs.*.theme: keep
                """),
            KEY);
    return new DocumentMasker(plan.collection("app", "users").orElseThrow().tree());
  }

  @Test
  void sameKey_samePseudonym_inMongoDbAndInAnSqlJsonColumn_andAsAFieldValue() {
    Document bson =
        new Document("owner", "ann@mail.test")
            .append("prefs", new Document("ann@mail.test", new Document("theme", "dark")));
    Document row =
        new Document("owner", "ann@mail.test")
            .append("prefs", Rows.parseJson("{\"ann@mail.test\": {\"theme\": \"dark\"}}"));
    List<String> undeclared = new ArrayList<>();

    Map<String, Object> mongo = masker().mask(bson, (p, n) -> undeclared.add(p)).set();
    Map<String, Object> sql = masker().mask(row, (p, n) -> undeclared.add(p)).set();

    String pseudonym = Strategies.create("email", Map.of(), KEY).mask("ann@mail.test").toString();
    assertThat(undeclared).isEmpty();
    assertThat(mongo.get("owner")).isEqualTo(pseudonym);
    assertThat(new ArrayList<Object>(((Map<?, ?>) mongo.get("prefs")).keySet()))
        .containsExactly(pseudonym);
    assertThat(new ArrayList<Object>(((Map<?, ?>) sql.get("prefs")).keySet()))
        .containsExactly(pseudonym);
    assertThat(Rows.toJson(sql.get("prefs")))
        .isEqualTo("{\"" + pseudonym + "\":{\"theme\":\"dark\"}}");
  }
}
