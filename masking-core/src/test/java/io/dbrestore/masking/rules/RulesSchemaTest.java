package io.dbrestore.masking.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RulesSchemaTest {
  private static JsonNode schemaJson() throws IOException {
    try (InputStream in = RulesSchemaTest.class.getResourceAsStream(RulesSchema.RESOURCE)) {
      assertThat(in).as(RulesSchema.RESOURCE).isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void resource_whenRead_isJsonWithIdTitleAndDescription() throws IOException {
    JsonNode schema = schemaJson();

    assertThat(schema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.path("$id").asText()).isNotBlank();
    assertThat(schema.path("title").asText()).isNotBlank();
    assertThat(schema.path("description").asText()).isNotBlank();
  }

  @Test
  void resource_whenCheckedAgainstTheMetaSchema_isAValid202012Schema() throws IOException {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    JsonSchema meta =
        factory.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    Set<ValidationMessage> errors = meta.validate(schemaJson());

    assertThat(errors).isEmpty();
  }

  @Test
  void resource_whenValidatingAnInvalidValue_rejectsIt() throws IOException {
    // Guards against a meta-schema check that accepts anything: a schema with a wrong keyword
    // value must fail it.
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    JsonSchema meta =
        factory.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    assertThat(meta.validate(new ObjectMapper().readTree("{\"type\": 5}"))).isNotEmpty();
  }

  @Test
  void properties_whenListed_eachHasADescriptionForEditors() throws IOException {
    List<String> undescribed = new ArrayList<>();
    collectUndescribed(schemaJson(), "", undescribed);

    assertThat(undescribed).isEmpty();
  }

  private static void collectUndescribed(JsonNode node, String at, List<String> undescribed) {
    if (node.isObject()) {
      JsonNode properties = node.path("properties");
      boolean inCondition = at.endsWith("/if");
      if (properties.isObject() && !inCondition) {
        properties
            .fields()
            .forEachRemaining(
                p -> {
                  if (!p.getValue().has("description")) {
                    undescribed.add(at + "/properties/" + p.getKey());
                  }
                });
      }
      node.fields()
          .forEachRemaining(
              e -> collectUndescribed(e.getValue(), at + "/" + e.getKey(), undescribed));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectUndescribed(node.get(i), at + "/" + i, undescribed);
      }
    }
  }

  @Test
  void strategies_whenListed_areExactlyTheFormatsStrategiesAndOptions() throws IOException {
    JsonNode defs = schemaJson().path("$defs");
    Map<String, List<String>> options = new TreeMap<>();
    for (String name : RulesSchema.get().strategyNames()) {
      List<String> keys = new ArrayList<>();
      defs.path("strategy-" + name).path("properties").fieldNames().forEachRemaining(keys::add);
      keys.remove("strategy");
      options.put(name, keys);
    }

    assertThat(options)
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "constant", List.of("value"),
                    "date-shift", List.of("days"),
                    "email", List.of("domain", "case"),
                    "keep", List.of(),
                    "name", List.of("locale", "part", "script"),
                    "null", List.of(),
                    "phone", List.of("keep-prefix"),
                    "redact", List.of("replacement"),
                    "remove", List.of(),
                    "token", List.of("prefix", "length"))));
    assertThat(RulesLoader.strategyNames()).isSorted();
  }

  @Test
  void isIntegerOption_whenSchemaSaysInteger_isTrue() {
    RulesSchema schema = RulesSchema.get();

    assertThat(schema.isIntegerOption("token", "length")).isTrue();
    assertThat(schema.isIntegerOption("phone", "keep-prefix")).isTrue();
    assertThat(schema.isIntegerOption("date-shift", "days")).isTrue();
    assertThat(schema.isIntegerOption("token", "prefix")).isFalse();
    assertThat(schema.isIntegerOption("constant", "value")).isFalse();
  }

  private static Pattern fieldPathPattern() throws IOException {
    return Pattern.compile(schemaJson().path("$defs").path("fieldPath").path("pattern").asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "email",
        "_id",
        "address.city",
        "contacts[].email",
        "matrix[][]",
        "orders[].items[].note",
        "tags[]",
        "a.b[].c[][].d",
        "first name",
        "名前",
        "",
        "a..b",
        ".a",
        "a.",
        "[]a",
        "a[",
        "a]",
        "a[]b",
        "a.[]",
        "[]",
        "a[x]",
        "a[]]",
        "]",
        ".",
        "prefs{}",
        "prefs.*",
        "prefs.*.theme",
        "contacts[].prefs{}",
        "byDay.*[]",
        "byUser.*{}",
        "a*b",
        "**",
        "*",
        "*.a",
        "*[]",
        "*{}",
        "a{",
        "a{x}",
        "a{}.b",
        "a{}[]",
        "a{}{}",
        "a}",
        "{}",
        "a.{}"
      })
  void fieldPathPattern_whenMatched_agreesWithTheParser(String path) throws IOException {
    boolean parses;
    try {
      FieldPath.parse(path);
      parses = true;
    } catch (IllegalArgumentException e) {
      parses = false;
    }

    assertThat(fieldPathPattern().matcher(path).find()).as(path).isEqualTo(parses);
  }
}
