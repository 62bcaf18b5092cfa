package io.dbrestore.masking.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.masking.rules.FieldPath.Each;
import io.dbrestore.masking.rules.FieldPath.Name;
import io.dbrestore.masking.rules.FieldPath.Segment;
import io.dbrestore.masking.rules.Rules.Action;
import io.dbrestore.masking.rules.Rules.Collection;
import io.dbrestore.masking.rules.Rules.Field;
import io.dbrestore.masking.rules.Rules.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example in {@code examples/rules.yaml} is valid and shows every feature of the format. */
class ExampleRulesTest {
  /** Tests run in the module's directory; the example sits at the repository root. */
  private static final Path EXAMPLE = Path.of("..", "examples", "rules.yaml");

  private static Rules rules;
  private static List<Field> fields;

  @BeforeAll
  static void load() {
    rules = RulesLoader.load(EXAMPLE);
    fields = new ArrayList<>();
    rules.databases().values().stream()
        .flatMap(d -> d.collections().values().stream())
        .forEach(c -> fields.addAll(c.fields()));
  }

  @Test
  void load_whenExample_isValidWithPolicyAndSeveralDatabases() {
    assertThat(rules.source()).isEqualTo(EXAMPLE.toString());
    assertThat(rules.policy().undeclaredCollections()).isEqualTo(Action.FAIL);
    assertThat(rules.policy().undeclaredFields()).isEqualTo(Action.FAIL);
    assertThat(rules.databases()).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void load_whenExample_hasEveryCollectionRuleAndTheTablesSynonym() throws IOException {
    String text = Files.readString(EXAMPLE);

    assertThat(
            rules.databases().values().stream()
                .flatMap(d -> d.collections().values().stream())
                .map(Collection::mode))
        .contains(Mode.MASK, Mode.KEEP, Mode.EMPTY);
    assertThat(text).contains(": keep\n", ": drop\n", ": truncate ", "    tables:\n");
    assertThat(text).startsWith("# yaml-language-server: $schema=../masking-core/src/main/");
  }

  @Test
  void load_whenExample_usesEveryStrategyInShortAndLongForm() throws IOException {
    Set<String> shortForm = new TreeSet<>();
    Set<String> longForm = new TreeSet<>();
    Set<String> options = new TreeSet<>();
    for (Field field : fields) {
      (field.options().isEmpty() ? shortForm : longForm).add(field.strategy());
      field.options().keySet().forEach(o -> options.add(field.strategy() + "." + o));
    }

    assertThat(shortForm)
        .containsAll(
            RulesLoader.strategyNames().stream()
                .filter(s -> !s.equals("constant") && !s.equals("date-shift"))
                .toList());
    assertThat(longForm)
        .containsAll(
            RulesLoader.strategyNames().stream()
                .filter(s -> !List.of("keep", "null", "remove").contains(s))
                .toList());
    assertThat(options).containsAll(everyOptionInTheSchema());
  }

  private static Set<String> everyOptionInTheSchema() throws IOException {
    JsonNode defs;
    try (InputStream in = ExampleRulesTest.class.getResourceAsStream(RulesSchema.RESOURCE)) {
      defs = new ObjectMapper().readTree(in).path("$defs");
    }
    Set<String> all = new TreeSet<>();
    for (String strategy : RulesLoader.strategyNames()) {
      defs.path("strategy-" + strategy)
          .path("properties")
          .fieldNames()
          .forEachRemaining(
              o -> {
                if (!o.equals("strategy")) {
                  all.add(strategy + "." + o);
                }
              });
    }
    return all;
  }

  @Test
  void load_whenExample_hasEveryKindOfPath() {
    assertThat(fields).anyMatch(shape("sub-document", s -> s.size() == 2 && names(s, 0, 1)));
    assertThat(fields)
        .anyMatch(shape("array of sub-documents", s -> each(s, 1) && s.get(2) instanceof Name));
    assertThat(fields).anyMatch(shape("array of values", s -> s.size() == 2 && each(s, 1)));
    assertThat(fields).anyMatch(shape("array of arrays", s -> each(s, 1) && each(s, 2)));
    assertThat(fields)
        .anyMatch(
            shape(
                "array of sub-documents inside a sub-document", s -> names(s, 0, 1) && each(s, 2)));
    assertThat(fields)
        .anyMatch(
            shape(
                "array of sub-documents inside an array of sub-documents",
                s -> s.stream().filter(Each.class::isInstance).count() >= 2 && names(s, 0, 2)));
  }

  private static Predicate<Field> shape(String what, Predicate<List<Segment>> test) {
    return new Predicate<>() {
      @Override
      public boolean test(Field f) {
        return test.test(f.path().segments());
      }

      @Override
      public String toString() {
        return what;
      }
    };
  }

  private static boolean each(List<Segment> s, int i) {
    return s.size() > i && s.get(i) instanceof Each;
  }

  private static boolean names(List<Segment> s, int... at) {
    for (int i : at) {
      if (s.size() <= i || !(s.get(i) instanceof Name)) {
        return false;
      }
    }
    return true;
  }
}
