package io.dbrestore.masking.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The shipped JSON Schema ({@value #RESOURCE}), and the translation of its failures into plain
 * words for the place they happen in. The schema is the single description of the format: editors
 * use it, the loader validates with it, and the lists in messages (strategies, options, keys) are
 * read from it.
 *
 * <p>Field rules pick their options with {@code if}/{@code then} on the strategy name rather than
 * with {@code oneOf}, so a bad rule fails against its own strategy only, never against every
 * alternative.
 */
final class RulesSchema {
  static final String RESOURCE = "/io/dbrestore/masking/rules.schema.json";

  private final JsonNode raw;
  private final JsonSchema schema;

  private RulesSchema() {
    try (InputStream in = RulesSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      raw = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(
                raw, SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build());
  }

  /** Compiled once, on first use; immutable (the validator is safe to share between threads). */
  private static final class Shipped {
    static final RulesSchema INSTANCE = new RulesSchema();
  }

  static RulesSchema get() {
    return Shipped.INSTANCE;
  }

  /** The strategy names the schema allows, in its order. */
  List<String> strategyNames() {
    List<String> names = new ArrayList<>();
    raw.path("$defs").path("strategyName").path("enum").forEach(n -> names.add(n.asText()));
    return List.copyOf(names);
  }

  /** Whether the schema declares option {@code option} of {@code strategy} an integer. */
  boolean isIntegerOption(String strategy, String option) {
    return raw.path("$defs")
        .path("strategy-" + strategy)
        .path("properties")
        .path(option)
        .path("type")
        .asText()
        .equals("integer");
  }

  /** Validates {@code tree}; each failure becomes one problem, at the line of its key. */
  List<Problem> validate(YamlTree.Result tree) {
    List<Problem> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ValidationMessage m : schema.validate(tree.root())) {
      List<String> at = names(m.getInstanceLocation());
      // The same failure can come from two subschemas (a null collection fails 'type' in both
      // the collection and the masked-collection schema): say it once.
      if (!seen.add(m.getType() + " " + m.getProperty() + " " + at)) {
        continue;
      }
      Problem problem = translate(m, at, tree);
      if (problem != null) {
        problems.add(problem);
      }
    }
    return problems;
  }

  private Problem translate(ValidationMessage m, List<String> at, YamlTree.Result tree) {
    Place place = Place.of(at);
    JsonNode node = m.getInstanceNode();
    switch (m.getType()) {
      case "additionalProperties":
        // At the unknown key's own line, not at its parent's.
        return Problem.at(tree.line(append(at, m.getProperty())), at, unknownKey(m, place, node));
      case "propertyNames":
        return Problem.at(tree.line(append(at, m.getProperty())), at, badName(m));
      default:
        break;
    }
    String text =
        switch (m.getType()) {
          case "enum" -> notInEnum(place, node, m.getSchemaNode());
          case "const" ->
              place == Place.VERSION ? "must be 1" : "must be " + m.getSchemaNode().toString();
          case "required" -> missing(place, m.getProperty(), node);
          case "minProperties" -> empty(place);
          case "maxProperties" ->
              // Otherwise an unknown key sits next to 'collections': additionalProperties says so.
              place == Place.DATABASE && node.has("collections") && node.has("tables")
                  ? "use either 'collections' or 'tables', not both"
                  : null;
          case "type" -> wrongType(place, node, m.getSchemaNode());
          case "minimum" -> "must be at least " + m.getSchemaNode().asText() + found(node);
          case "maximum" -> "must be at most " + m.getSchemaNode().asText() + found(node);
          default -> fallback(m);
        };
    // A strategy name is reported for its field, at the line of 'strategy:'.
    List<String> where = place == Place.STRATEGY ? at.subList(0, at.size() - 1) : at;
    return text == null ? null : Problem.at(tree.line(at), where, text);
  }

  private String unknownKey(ValidationMessage m, Place place, JsonNode node) {
    String key = m.getProperty();
    List<String> allowed = allowedKeys(m);
    if (place == Place.FIELD) {
      String strategy = node.path("strategy").asText();
      allowed.remove("strategy");
      if (allowed.isEmpty()) {
        return "strategy '" + strategy + "' takes no options, found '" + key + "'";
      }
      return "unknown option '"
          + key
          + "' for strategy '"
          + strategy
          + "' (expected "
          + orList(allowed)
          + ")";
    }
    return "unknown key '" + key + "' (expected " + orList(allowed) + ")";
  }

  /** The keys the failing schema declares: its {@code properties}. */
  private List<String> allowedKeys(ValidationMessage m) {
    JsonNodePath fragment = m.getSchemaLocation().getFragment();
    JsonNode schemaNode = raw;
    for (int i = 0; i < fragment.getNameCount() - 1; i++) {
      schemaNode = schemaNode.path(fragment.getName(i));
    }
    List<String> keys = new ArrayList<>();
    schemaNode.path("properties").fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static String badName(ValidationMessage m) {
    try {
      FieldPath.parse(m.getProperty());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return "'" + m.getProperty() + "' is not a valid field path";
  }

  private static String notInEnum(Place place, JsonNode node, JsonNode values) {
    List<String> allowed = new ArrayList<>();
    values.forEach(v -> allowed.add(v.asText()));
    return switch (place) {
      case FIELD, STRATEGY ->
          (node.isNull() ? "missing strategy name" : "unknown strategy " + quoted(node))
              + " (expected one of "
              + String.join(", ", allowed)
              + ")";
      case COLLECTION ->
          "unknown collection rule "
              + quoted(node)
              + " (expected keep, drop, truncate or a mapping with 'fields')";
      default -> "must be " + orList(allowed) + found(node);
    };
  }

  private static String missing(Place place, String property, JsonNode node) {
    return switch (place) {
      case COLLECTION -> "'fields' is required for a masked collection";
      case FIELD ->
          property.equals("strategy")
              ? "'strategy' is required in the long form (e.g. {strategy: email, domain: ...})"
              : "strategy '"
                  + node.path("strategy").asText()
                  + "' requires option '"
                  + property
                  + "'";
      default -> "'" + property + "' is required";
    };
  }

  private static String empty(Place place) {
    return switch (place) {
      case DATABASES -> "declare at least one database";
      case DATABASE -> "'collections' (or 'tables') is required";
      case COLLECTIONS -> "a database with no collections: declare at least one";
      case FIELDS -> "a masked collection needs at least one field";
      default -> "must not be empty";
    };
  }

  private static String wrongType(Place place, JsonNode node, JsonNode type) {
    String expected =
        switch (place) {
          case ROOT -> "a mapping with 'version' and 'databases'";
          case POLICY -> "a mapping with undeclared-collections and undeclared-fields";
          case DATABASES -> "a mapping of databases (or schemas) by name";
          case DATABASE -> "a mapping with 'collections' (or 'tables')";
          case COLLECTIONS -> "a mapping of collections (or tables) by name";
          case COLLECTION -> "keep, drop, truncate or a mapping with 'fields'";
          case FIELDS -> "a mapping of field paths to strategies";
          case FIELD -> "a strategy name or a mapping with 'strategy' and its options";
          default -> typeWords(type);
        };
    return "expected " + expected + found(node);
  }

  /** {@code integer} → an integer; {@code [string, number, boolean]} → a string, a number or… */
  private static String typeWords(JsonNode type) {
    List<String> names = new ArrayList<>();
    if (type.isArray()) {
      type.forEach(t -> names.add(article(t.asText())));
    } else {
      names.add(article(type.asText()));
    }
    return orList(names);
  }

  private static String article(String type) {
    return switch (type) {
      case "integer" -> "an integer";
      case "object" -> "a mapping";
      case "array" -> "a list";
      default -> "a " + type;
    };
  }

  private static String found(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "";
    }
    if (node.isNull()) {
      return ", found nothing";
    }
    if (node.isObject()) {
      return ", found a mapping";
    }
    if (node.isArray()) {
      return ", found a list";
    }
    return ", found " + quoted(node);
  }

  private static String quoted(JsonNode node) {
    return node.isTextual() ? "'" + node.asText() + "'" : node.asText();
  }

  /** Unknown failure kinds keep the validator's words, without its JSON pointer. */
  private static String fallback(ValidationMessage m) {
    String message = m.getMessage();
    String prefix = m.getInstanceLocation() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** a; a or b; a, b or c. */
  static String orList(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " or "
        + items.get(items.size() - 1);
  }

  private static List<String> names(JsonNodePath path) {
    List<String> names = new ArrayList<>(path.getNameCount());
    for (int i = 0; i < path.getNameCount(); i++) {
      names.add(String.valueOf(path.getElement(i)));
    }
    return names;
  }

  private static List<String> append(List<String> path, String key) {
    List<String> longer = new ArrayList<>(path);
    longer.add(key);
    return longer;
  }
}
