package io.dbrestore.masking.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbrestore.masking.rules.Rules.Action;
import io.dbrestore.masking.rules.Rules.Collection;
import io.dbrestore.masking.rules.Rules.Database;
import io.dbrestore.masking.rules.Rules.Field;
import io.dbrestore.masking.rules.Rules.Mode;
import io.dbrestore.masking.rules.Rules.Policy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loads a rules file: YAML, validated against the shipped JSON Schema ({@code
 * /io/dbrestore/masking/rules.schema.json}), then checked for what a schema cannot say (paths
 * parse, no path declared twice, no path inside another declared path).
 *
 * <p>A rules file decides what reaches development databases, so anything doubtful is an error,
 * never a guess: every problem is reported with its file and line ({@link RulesException}).
 */
public final class RulesLoader {
  private RulesLoader() {}

  /**
   * The strategies that may mask the keys of a sub-document ({@code prefs{}}): text out, and
   * distinct text for distinct keys (no two entries of one sub-document may merge).
   */
  public static final List<String> KEY_STRATEGIES = List.of("email", "token");

  /**
   * @throws RulesException naming the file, the line and the problem
   */
  public static Rules load(Path file) {
    String source = file.toString();
    if (Files.isDirectory(file)) {
      throw new RulesException(source + ": is a directory, not a rules file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new RulesException(source + ": file not found", e);
    } catch (AccessDeniedException e) {
      throw new RulesException(source + ": cannot read the file (permission denied)", e);
    } catch (IOException e) {
      throw new RulesException(source + ": cannot read the file: " + e.getMessage(), e);
    }
    return load(source, bytes);
  }

  /**
   * The same, from the bytes of a file read elsewhere (an S3 object): {@code source} names it in
   * messages, and the digest is of these bytes.
   */
  public static Rules load(String source, byte[] bytes) {
    Objects.requireNonNull(source, "source");
    if (bytes.length == 0) {
      throw new RulesException(source + ": file is empty");
    }
    return parse(source, decode(source, bytes), sha256(bytes));
  }

  /** The same, from text ({@code source} names it in messages). */
  public static Rules parse(String source, String yaml) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(yaml, "yaml");
    if (yaml.isEmpty()) {
      throw new RulesException(source + ": file is empty");
    }
    return parse(source, yaml, sha256(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** The strategy names a rules file may use, as the shipped schema lists them. */
  public static List<String> strategyNames() {
    return RulesSchema.get().strategyNames();
  }

  private static Rules parse(String source, String text, String sha256) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    YamlTree.Result tree = YamlTree.read(source, text);
    if (tree == null) {
      throw RulesException.at(source, 1, "no rules: the file holds only comments or blank lines");
    }
    RulesSchema schema = RulesSchema.get();
    List<Problem> problems = schema.validate(tree);
    if (!problems.isEmpty()) {
      throw RulesException.of(source, problems);
    }
    return new ModelBuilder(tree, schema).build(source, sha256);
  }

  private static String decode(String source, byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw RulesException.at(
          source,
          line,
          String.format(
              "not UTF-8 text (byte 0x%02X at offset %d): save the file as UTF-8",
              bytes[offset] & 0xFF, offset));
    }
    out.flip();
    return out.toString();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Turns a schema-valid tree into the model, checking what the schema cannot: that paths parse,
   * and that no declared path lies inside another (a rule on {@code address} already covers {@code
   * address.city}; two rules for one value would make the result depend on their order).
   */
  private static final class ModelBuilder {
    private final YamlTree.Result tree;
    private final RulesSchema schema;
    private final List<Problem> problems = new ArrayList<>();

    ModelBuilder(YamlTree.Result tree, RulesSchema schema) {
      this.tree = tree;
      this.schema = schema;
    }

    Rules build(String source, String sha256) {
      JsonNode root = tree.root();
      Policy policy = policy(root.path("policy"));
      Map<String, Database> databases = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.get("databases").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> db = it.next();
        databases.put(db.getKey(), database(db.getKey(), db.getValue()));
      }
      if (!problems.isEmpty()) {
        throw RulesException.of(source, problems);
      }
      return new Rules(source, sha256, policy, databases);
    }

    private static Policy policy(JsonNode policy) {
      return new Policy(
          action(policy.path("undeclared-collections")), action(policy.path("undeclared-fields")));
    }

    private static Action action(JsonNode value) {
      return value.asText("fail").equals("warn") ? Action.WARN : Action.FAIL;
    }

    private Database database(String name, JsonNode node) {
      // The schema allows exactly one key: 'collections' or its synonym 'tables'.
      Map.Entry<String, JsonNode> only = node.fields().next();
      List<String> path = List.of("databases", name, only.getKey());
      Map<String, Collection> collections = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = only.getValue().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> c = it.next();
        collections.put(c.getKey(), collection(path, c.getKey(), c.getValue()));
      }
      return new Database(name, collections, tree.line(List.of("databases", name)));
    }

    private Collection collection(List<String> parent, String name, JsonNode node) {
      List<String> path = append(parent, name);
      int line = tree.line(path);
      if (node.isTextual()) {
        Mode mode = node.textValue().equals("keep") ? Mode.KEEP : Mode.EMPTY;
        return new Collection(name, mode, List.of(), line);
      }
      List<String> fieldsPath = append(path, "fields");
      List<Field> fields = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.get("fields").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        Field field = field(fieldsPath, f.getKey(), f.getValue());
        if (field != null) {
          fields.add(field);
        }
      }
      checkLeavesOnly(path, fields);
      return new Collection(name, Mode.MASK, fields, line);
    }

    private Field field(List<String> fieldsPath, String text, JsonNode node) {
      int line = tree.line(append(fieldsPath, text));
      FieldPath path;
      try {
        path = FieldPath.parse(text);
      } catch (IllegalArgumentException e) {
        problems.add(Problem.at(line, fieldsPath, e.getMessage()));
        return null;
      }
      String strategy = node.isTextual() ? node.textValue() : node.get("strategy").textValue();
      if (path.isKeys() && !KEY_STRATEGIES.contains(strategy)) {
        problems.add(
            Problem.at(
                line,
                append(fieldsPath, text),
                "the keys of a sub-document can be masked with email or token only (each gives"
                    + " distinct keys distinct text, so no two entries merge), not '"
                    + strategy
                    + "'"
                    + (strategy.equals("keep")
                        ? "; keys are kept as written when no '{}' rule masks them: remove the rule"
                        : "")));
        return null;
      }
      if (node.isTextual()) {
        return new Field(path, strategy, Map.of(), line);
      }
      Map<String, Object> options = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> option = it.next();
        if (!option.getKey().equals("strategy")) {
          boolean integer = schema.isIntegerOption(strategy, option.getKey());
          options.put(option.getKey(), value(option.getValue(), integer));
        }
      }
      return new Field(path, strategy, options, line);
    }

    /** Rejects a path declared twice, or declared inside another declared path. */
    private void checkLeavesOnly(List<String> collectionPath, List<Field> fields) {
      Map<List<FieldPath.Segment>, Field> declared = new HashMap<>();
      for (Field field : fields) {
        Field first = declared.putIfAbsent(field.path().segments(), field);
        if (first != null) {
          problems.add(
              Problem.at(
                  field.line(),
                  collectionPath,
                  "'"
                      + field.path()
                      + "' is declared twice (first as '"
                      + first.path()
                      + "' at line "
                      + first.line()
                      + ")"));
        }
      }
      // A sub-document whose keys are masked has no field a name could match: only '*' reaches
      // the values under its keys.
      for (Field field : fields) {
        List<FieldPath.Segment> segments = field.path().segments();
        for (int n = 1; n < segments.size(); n++) {
          if (!(segments.get(n) instanceof FieldPath.Name)) {
            continue;
          }
          List<FieldPath.Segment> keys = new ArrayList<>(segments.subList(0, n));
          keys.add(new FieldPath.Keys());
          Field keyRule = declared.get(keys);
          if (keyRule != null) {
            problems.add(
                Problem.at(
                    field.line(),
                    collectionPath,
                    "'"
                        + field.path()
                        + "' names a field of a sub-document whose keys '"
                        + keyRule.path()
                        + "' (line "
                        + keyRule.line()
                        + ") masks: a masked key never matches a name; write '*' for every"
                        + " key ('"
                        + anyInstead(field.path(), n)
                        + "')"));
            break;
          }
        }
      }
      for (Field field : fields) {
        List<FieldPath.Segment> segments = field.path().segments();
        for (int n = 1; n < segments.size(); n++) {
          Field outer = declared.get(segments.subList(0, n));
          if (outer != null) {
            problems.add(
                Problem.at(
                    field.line(),
                    collectionPath,
                    "declare leaves only; '"
                        + field.path()
                        + "' is inside '"
                        + outer.path()
                        + "' (line "
                        + outer.line()
                        + ")"));
            break;
          }
        }
      }
    }

    /** {@code path} with its {@code n}th segment (a name) written {@code *}. */
    private static String anyInstead(FieldPath path, int n) {
      StringBuilder text = new StringBuilder();
      List<FieldPath.Segment> segments = path.segments();
      for (int i = 0; i < segments.size(); i++) {
        FieldPath.Segment segment = segments.get(i);
        if (i > 0 && !(segment instanceof FieldPath.Each) && !(segment instanceof FieldPath.Keys)) {
          text.append('.');
        }
        text.append(i == n ? "*" : segment.toString());
      }
      return text.toString();
    }

    /** An option's value as YAML gave it; a whole float where an integer is due is an integer. */
    private static Object value(JsonNode node, boolean integer) {
      if (node.isTextual()) {
        return node.textValue();
      } else if (node.isBoolean()) {
        return node.booleanValue();
      } else if (node.isInt()) {
        return node.intValue();
      } else if (node.isLong()) {
        return node.longValue();
      } else if (node.isBigInteger()) {
        return node.bigIntegerValue();
      }
      double d = node.doubleValue();
      if (integer && d == Math.rint(d) && !Double.isInfinite(d)) {
        return d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? (Object) (int) d : (long) d;
      }
      return d;
    }

    private static List<String> append(List<String> path, String key) {
      List<String> longer = new ArrayList<>(path);
      longer.add(key);
      return List.copyOf(longer);
    }
  }
}
