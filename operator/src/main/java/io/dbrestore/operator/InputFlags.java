package io.dbrestore.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The typed flags of {@code run}, made from the input schemas: one per key of any workflow, named
 * in kebab-case ({@code --aurora-snapshot} for {@code auroraSnapshot}). Which of them a pipeline
 * takes depends on its workflow, known only once the pipeline is parsed, so all are declared and
 * {@link #read} refuses those the workflow does not take.
 */
final class InputFlags {
  private InputFlags() {}

  static void install(CommandSpec run, List<InputSchema> schemas) {
    Map<String, InputSchema.Property> byKey = new TreeMap<>();
    Map<String, List<String>> workflows = new TreeMap<>();
    for (InputSchema schema : schemas) {
      for (InputSchema.Property p : schema.properties().values()) {
        byKey.putIfAbsent(p.key(), p);
        workflows.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(schema.workflow());
      }
    }
    for (InputSchema.Property p : byKey.values()) {
      List<String> in = workflows.get(p.key());
      String where = in.size() == schemas.size() ? "every pipeline" : String.join(", ", in);
      boolean flag = p.type().equals("boolean");
      run.addOption(
          OptionSpec.builder(p.flag())
              .type(flag ? boolean.class : String.class)
              .arity(flag ? "0..1" : "1")
              .paramLabel("<" + (p.type().equals("string") ? "value" : p.type()) + ">")
              .description("Input " + p.key() + ": " + p.description() + ". [" + where + "]")
              .build());
    }
  }

  /**
   * The input keys given as typed flags, converted to the schema's types. Adds a problem for each
   * flag the pipeline's workflow does not take and each value that is not of its type; records in
   * {@code labels} which flag gave each key, for the validator's messages.
   */
  static Map<String, JsonNode> read(
      ParseResult parsed,
      String pipeline,
      InputSchema schema,
      List<InputSchema> all,
      List<String> problems,
      Map<String, String> labels) {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    Map<String, InputSchema.Property> known = new TreeMap<>();
    for (InputSchema s : all) {
      s.properties().values().forEach(p -> known.putIfAbsent(p.flag(), p));
    }
    for (InputSchema.Property any : known.values()) {
      OptionSpec option = parsed.matchedOption(any.flag());
      if (option == null) {
        continue;
      }
      InputSchema.Property p = schema.properties().get(any.key());
      if (p == null) {
        problems.add(
            any.flag()
                + " is not an input of "
                + pipeline
                + " ("
                + schema.workflow()
                + " workflow); it takes "
                + String.join(
                    ", ",
                    schema.properties().values().stream()
                        .map(InputSchema.Property::flag)
                        .sorted()
                        .toList()));
        continue;
      }
      labels.put(p.key(), p.flag());
      Object value = option.getValue();
      JsonNode node = convert(p, value);
      if (node == null) {
        problems.add(
            p.flag()
                + (p.type().equals("integer") ? " must be an integer" : " must be a number")
                + ", got '"
                + value
                + "'");
      } else {
        values.put(p.key(), node);
      }
    }
    return values;
  }

  private static JsonNode convert(InputSchema.Property p, Object value) {
    if (value instanceof Boolean b) {
      return BooleanNode.valueOf(b);
    }
    String s = String.valueOf(value).trim();
    try {
      return switch (p.type()) {
        case "integer" -> LongNode.valueOf(Long.parseLong(s));
        case "number" -> DecimalNode.valueOf(new BigDecimal(s));
        default -> TextNode.valueOf(String.valueOf(value));
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
