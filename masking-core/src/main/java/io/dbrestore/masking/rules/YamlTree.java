package io.dbrestore.masking.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads rules YAML into a Jackson tree for the JSON Schema, remembering the line of every key path.
 * Jackson's own YAML reader would lose the lines (the schema validator only gives JSON pointers)
 * and would silently keep the last of duplicate keys, so the tree is built here from SnakeYAML's
 * composed nodes, which carry their positions.
 *
 * <p>Rejected, with their line: duplicate keys, anchors and aliases, merge keys ({@code <<}), tags
 * other than YAML's standard scalar ones, non-scalar keys, and more than one document. Keys are
 * always text as written ({@code 2024: keep} is the collection "2024"); so are collection rules,
 * strategy names and policy actions ({@code phone: null} is the strategy "null", not YAML null).
 */
final class YamlTree {
  private static final Set<Tag> SCALAR_TAGS =
      Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

  /** The tree, and the 1-based line of each key path (the key's line; the root's own line). */
  record Result(JsonNode root, Map<List<String>, Integer> lines) {
    int line(List<String> path) {
      for (int n = path.size(); n >= 0; n--) {
        Integer line = lines.get(path.subList(0, n));
        if (line != null) {
          return line;
        }
      }
      return 1;
    }
  }

  private final Map<List<String>, Integer> lines = new HashMap<>();
  private final List<Problem> problems = new ArrayList<>();
  private final Set<Node> anchored = Collections.newSetFromMap(new IdentityHashMap<>());
  private final ScalarValues scalars;
  private final LoaderOptions options;

  private YamlTree() {
    options = new LoaderOptions();
    options.setProcessComments(false);
    // Anchors are rejected anyway; this keeps the composer itself from expanding alias bombs.
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(50);
    scalars = new ScalarValues(options);
  }

  /**
   * Reads {@code text}.
   *
   * @return the tree, or null when the text holds no document (only comments and blank lines)
   * @throws RulesException for YAML syntax errors and the constructs rejected above
   */
  static Result read(String source, String text) {
    return new YamlTree().compose(source, text);
  }

  private Result compose(String source, String text) {
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw RulesException.of(source, List.of(syntaxError(e)));
    } catch (ReaderException e) {
      // A control character or the like: the reader knows where, in characters.
      int line =
          1
              + (int)
                  text.substring(0, Math.min(Math.max(e.getPosition(), 0), text.length()))
                      .chars()
                      .filter(c -> c == '\n')
                      .count();
      throw RulesException.of(
          source,
          List.of(
              new Problem(
                  line,
                  "",
                  String.format(
                      "invalid YAML: character U+%04X is not allowed in YAML", e.getCodePoint()))));
    } catch (YAMLException e) {
      throw RulesException.of(
          source, List.of(new Problem(1, "", "invalid YAML: " + e.getMessage())));
    }
    if (root == null) {
      return null;
    }
    List<String> path = List.of();
    lines.put(path, line(root));
    JsonNode tree = convert(root, path);
    if (!problems.isEmpty()) {
      throw RulesException.of(source, problems);
    }
    return new Result(tree, lines);
  }

  private static Problem syntaxError(MarkedYAMLException e) {
    Mark problemMark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    int line = problemMark == null ? 1 : problemMark.getLine() + 1;
    if (e.getContext() != null && e.getContext().contains("single document")) {
      return new Problem(line, "", "one YAML document only: remove the second '---' or join them");
    }
    StringBuilder text = new StringBuilder("invalid YAML: ").append(e.getProblem());
    if ("mapping values are not allowed here".equals(e.getProblem())) {
      text.append(": check the indentation, or quote a value that holds ': '");
    }
    if (e.getContext() != null) {
      text.append(" (").append(e.getContext());
      Mark contextMark = e.getContextMark();
      if (contextMark != null && contextMark.getLine() + 1 != line) {
        text.append(" at line ").append(contextMark.getLine() + 1);
      }
      text.append(')');
    }
    return new Problem(line, "", text.toString().replace('\n', ' '));
  }

  private JsonNode convert(Node node, List<String> path) {
    if (node.getAnchor() != null) {
      // The composer hands an alias over as its anchored node again: the second visit is the
      // alias, and only its key (not the node) knows where it was written.
      boolean alias = !anchored.add(node);
      problems.add(
          alias
              ? Problem.at(
                  lines.getOrDefault(path, line(node)),
                  path,
                  "aliases (*" + node.getAnchor() + ") are not supported: write each rule out")
              : Problem.at(
                  line(node),
                  path,
                  "anchors (&" + node.getAnchor() + ") are not supported: write each rule out"));
      return JsonNodeFactory.instance.nullNode();
    }
    if (node instanceof MappingNode mapping) {
      return mapping(mapping, path);
    }
    if (node instanceof SequenceNode sequence) {
      if (!sequence.getTag().equals(Tag.SEQ)) {
        return unsupportedTag(node, path);
      }
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        List<String> itemPath = append(path, Integer.toString(i));
        lines.put(itemPath, line(items.get(i)));
        array.add(convert(items.get(i), itemPath));
      }
      return array;
    }
    return scalar((ScalarNode) node, path);
  }

  private JsonNode mapping(MappingNode mapping, List<String> path) {
    if (!mapping.getTag().equals(Tag.MAP)) {
      return unsupportedTag(mapping, path);
    }
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    Map<String, Integer> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      int line = line(keyNode);
      if (keyNode.getTag().equals(Tag.MERGE)) {
        problems.add(Problem.at(line, path, "merge keys ('<<') are not supported"));
        continue;
      }
      if (!(keyNode instanceof ScalarNode scalarKey) || keyNode.getAnchor() != null) {
        problems.add(Problem.at(line, path, "keys must be plain text"));
        continue;
      }
      String key = scalarKey.getValue();
      Integer first = seen.putIfAbsent(key, line);
      if (first != null) {
        String what = Place.of(path) == Place.FIELDS ? "is declared twice" : "is a duplicate key";
        problems.add(
            Problem.at(line, path, "'" + key + "' " + what + " (first at line " + first + ")"));
        continue;
      }
      List<String> keyPath = append(path, key);
      lines.put(keyPath, line);
      object.set(key, convert(tuple.getValueNode(), keyPath));
    }
    return object;
  }

  private JsonNode scalar(ScalarNode node, List<String> path) {
    Tag tag = node.getTag();
    if (!SCALAR_TAGS.contains(tag)) {
      return unsupportedTag(node, path);
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    String text = node.getValue();
    if (Place.of(path).holdsName() || tag.equals(Tag.TIMESTAMP)) {
      boolean empty = tag.equals(Tag.NULL) && (text.isEmpty() || text.equals("~"));
      return empty ? nodes.nullNode() : nodes.textNode(text);
    }
    Object value = scalars.value(node);
    if (value == null) {
      return nodes.nullNode();
    } else if (value instanceof Integer i) {
      return nodes.numberNode(i);
    } else if (value instanceof Long l) {
      return nodes.numberNode(l);
    } else if (value instanceof BigInteger b) {
      return nodes.numberNode(b);
    } else if (value instanceof Double d) {
      return nodes.numberNode(d);
    } else if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    }
    return nodes.textNode(String.valueOf(value));
  }

  private JsonNode unsupportedTag(Node node, List<String> path) {
    String tag = node.getTag().getValue();
    if (tag.startsWith(Tag.PREFIX)) {
      tag = "!!" + tag.substring(Tag.PREFIX.length());
    }
    problems.add(Problem.at(line(node), path, "YAML tag '" + tag + "' is not supported"));
    return JsonNodeFactory.instance.nullNode();
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
  }

  private static List<String> append(List<String> path, String key) {
    List<String> longer = new ArrayList<>(path.size() + 1);
    longer.addAll(path);
    longer.add(key);
    return List.copyOf(longer);
  }

  /** YAML 1.1 scalar values as SnakeYAML's safe loader gives them (0x1F, 1_000, .inf, yes, ~). */
  private static final class ScalarValues extends SafeConstructor {
    ScalarValues(LoaderOptions options) {
      super(options);
    }

    Object value(ScalarNode node) {
      return constructObject(node);
    }
  }
}
