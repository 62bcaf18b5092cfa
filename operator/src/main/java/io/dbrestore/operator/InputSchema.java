package io.dbrestore.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One workflow's run input as its state machine enforces it: the file {@code
 * terraform/modules/pipeline/inputs/<workflow>.schema.json}, copied into the jar at build time, so
 * the CLI and the state machines read one source.
 *
 * <p>Checks the keywords those files use (an object without additional properties; {@code
 * required}; per property {@code type}, {@code pattern}, {@code minLength}, {@code maxLength},
 * {@code minimum}, {@code maximum}); a schema using any other keyword fails to load, so a new
 * keyword cannot be ignored silently.
 */
final class InputSchema {
  /** The workflows, one schema each. */
  static final List<String> WORKFLOWS =
      List.of("restore", "temporary", "teardown", "masked-snapshots");

  private static final Set<String> TOP_KEYWORDS =
      Set.of(
          "$schema",
          "title",
          "description",
          "type",
          "additionalProperties",
          "required",
          "properties");
  private static final Set<String> PROPERTY_KEYWORDS =
      Set.of(
          "type",
          "default",
          "description",
          "pattern",
          "minLength",
          "maxLength",
          "minimum",
          "maximum");
  private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean");

  /** One input key. */
  record Property(
      String key,
      String type,
      String description,
      Pattern pattern,
      Integer minLength,
      Integer maxLength,
      BigDecimal minimum,
      BigDecimal maximum) {
    /** The typed flag of {@code run}: {@code --aurora-snapshot} for {@code auroraSnapshot}. */
    String flag() {
      return "--" + Text.kebab(key);
    }
  }

  private final String workflow;
  private final Map<String, Property> properties;
  private final List<String> required;

  private InputSchema(String workflow, Map<String, Property> properties, List<String> required) {
    this.workflow = workflow;
    this.properties = properties;
    this.required = required;
  }

  /** Every workflow's schema, in {@link #WORKFLOWS} order. */
  static List<InputSchema> all() {
    return WORKFLOWS.stream().map(InputSchema::load).toList();
  }

  static InputSchema load(String workflow) {
    String resource = "/io/dbrestore/operator/inputs/" + workflow + ".schema.json";
    try (InputStream in = InputSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + resource + " (a build problem)");
      }
      return parse(workflow, Session.JSON.readTree(in));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  static InputSchema parse(String workflow, JsonNode root) {
    String where = workflow + ".schema.json";
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String keyword = it.next();
      if (!TOP_KEYWORDS.contains(keyword)) {
        throw unsupported(where, keyword);
      }
    }
    if (!"object".equals(root.path("type").asText())
        || !root.path("additionalProperties").isBoolean()
        || root.path("additionalProperties").booleanValue()) {
      throw new IllegalStateException(
          where + ": the operator CLI expects an object with additionalProperties false");
    }
    Map<String, Property> properties = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("properties").properties()) {
      JsonNode p = e.getValue();
      for (Iterator<String> k = p.fieldNames(); k.hasNext(); ) {
        String keyword = k.next();
        if (!PROPERTY_KEYWORDS.contains(keyword)) {
          throw unsupported(where + " " + e.getKey(), keyword);
        }
      }
      String type = p.path("type").asText();
      if (!TYPES.contains(type)) {
        throw unsupported(where + " " + e.getKey(), "type " + p.path("type"));
      }
      properties.put(
          e.getKey(),
          new Property(
              e.getKey(),
              type,
              p.path("description").asText(""),
              p.has("pattern") ? Pattern.compile(p.get("pattern").asText()) : null,
              p.has("minLength") ? p.get("minLength").asInt() : null,
              p.has("maxLength") ? p.get("maxLength").asInt() : null,
              p.has("minimum") ? p.get("minimum").decimalValue() : null,
              p.has("maximum") ? p.get("maximum").decimalValue() : null));
    }
    List<String> required = new ArrayList<>();
    root.path("required").forEach(r -> required.add(r.asText()));
    return new InputSchema(workflow, properties, required);
  }

  private static IllegalStateException unsupported(String where, String keyword) {
    return new IllegalStateException(
        where + " uses " + keyword + ", which the operator CLI does not check; teach InputSchema");
  }

  String workflow() {
    return workflow;
  }

  /** The properties in the file's order. */
  Map<String, Property> properties() {
    return properties;
  }

  /** The keys, sorted: how problems list them. */
  Set<String> keys() {
    return new TreeSet<>(properties.keySet());
  }

  /**
   * Every problem with {@code input}, one line each, in the input's order and then the missing
   * required keys; empty when the state machine will accept it. {@code labels} names a key as the
   * operator gave it ({@code --ttl-hours} for a typed flag); keys without a label are named as they
   * are.
   */
  List<String> validate(JsonNode input, Map<String, String> labels) {
    List<String> problems = new ArrayList<>();
    if (!input.isObject()) {
      problems.add("the input must be a JSON object, got " + describe(input));
      return problems;
    }
    for (Map.Entry<String, JsonNode> e : input.properties()) {
      String key = e.getKey();
      String label = labels.getOrDefault(key, key);
      Property p = properties.get(key);
      if (p == null) {
        problems.add(unknownKey(key));
        continue;
      }
      JsonNode v = e.getValue();
      if (!hasType(v, p.type())) {
        problems.add(label + " must be " + article(p.type()) + ", got " + describe(v));
        continue;
      }
      if (v.isTextual()) {
        String s = v.asText();
        int length = s.codePointCount(0, s.length());
        if (p.maxLength() != null && length > p.maxLength()) {
          problems.add(label + " must be at most " + p.maxLength() + " characters, got " + length);
        }
        if (p.minLength() != null && length < p.minLength()) {
          problems.add(label + " must be at least " + p.minLength() + " characters, got " + length);
        }
        if (p.pattern() != null && !p.pattern().matcher(s).find()) {
          problems.add(
              label
                  + " "
                  + v
                  + " does not match "
                  + p.pattern().pattern()
                  + (p.description().isEmpty() ? "" : " (" + p.description() + ")"));
        }
      }
      if (v.isNumber()) {
        BigDecimal n = v.decimalValue();
        if (p.minimum() != null && n.compareTo(p.minimum()) < 0) {
          problems.add(label + " must be at least " + p.minimum() + ", got " + v);
        }
        if (p.maximum() != null && n.compareTo(p.maximum()) > 0) {
          problems.add(label + " must be at most " + p.maximum() + ", got " + v);
        }
      }
    }
    for (String key : required) {
      if (!input.has(key)) {
        problems.add(key + " is required (" + properties.get(key).flag() + " or --input-json)");
      }
    }
    return problems;
  }

  /** {@code unknown key auroraSnapshotId; allowed: ...; did you mean auroraSnapshot?} */
  String unknownKey(String key) {
    String line = "unknown key " + key + "; allowed: " + String.join(", ", keys());
    String closest = closest(key);
    return closest == null ? line : line + "; did you mean " + closest + "?";
  }

  /**
   * The key nearest to a mistyped one, if any is near enough to be what was meant: a few letters
   * off, or one the mistyped key begins with or is the start of ({@code mongoSnap}).
   */
  String closest(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return properties.keySet().stream()
        .min(Comparator.comparingInt((String k) -> Text.distance(k, key)).thenComparing(k -> k))
        .filter(
            k -> {
              String l = k.toLowerCase(Locale.ROOT);
              return Text.distance(k, key) <= Math.max(2, key.length() / 3)
                  || (Math.min(l.length(), lower.length()) >= 4
                      && (l.startsWith(lower) || lower.startsWith(l)));
            })
        .orElse(null);
  }

  private static boolean hasType(JsonNode v, String type) {
    return switch (type) {
      case "string" -> v.isTextual();
      case "boolean" -> v.isBoolean();
      case "number" -> v.isNumber();
      case "integer" ->
          v.isIntegralNumber()
              || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
      default -> false;
    };
  }

  private static String article(String type) {
    return (type.equals("integer") ? "an " : "a ") + type;
  }

  private static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "string " + v;
    }
    if (v.isNumber()) {
      return "number " + v;
    }
    if (v.isBoolean()) {
      return "boolean " + v;
    }
    if (v.isNull()) {
      return "null";
    }
    return v.isArray() ? "an array" : "an object";
  }
}
