package io.dbrestore.masking.rules;

import java.nio.file.Path;

/**
 * Loads a rules file: YAML, validated against the shipped JSON Schema ({@code
 * /io/dbrestore/masking/rules.schema.json}), then checked for what a schema cannot say (paths
 * parse, no path declared twice, no path inside another declared path).
 */
public final class RulesLoader {
  private RulesLoader() {}

  /**
   * @throws RulesException naming the file, the line and the problem
   */
  public static Rules load(Path file) {
    throw new UnsupportedOperationException("implemented by the rules work");
  }

  /** The same, from text ({@code source} names it in messages). */
  public static Rules parse(String source, String yaml) {
    throw new UnsupportedOperationException("implemented by the rules work");
  }
}
