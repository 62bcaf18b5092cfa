package io.dbrestore.masking.engine;

import io.dbrestore.masking.rules.FieldPath;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.Strategy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A collection's field rules as a tree that mirrors document structure, so one walk of a document
 * both masks declared fields and finds undeclared ones. {@code contacts[].email} is the node {@code
 * contacts} → each element → {@code email}, whose leaf holds the strategy.
 */
public final class FieldTree {
  private final Map<String, FieldTree> children = new LinkedHashMap<>();
  private FieldTree each;
  private Strategy strategy;
  private Rules.Field rule;

  /** The child for a sub-document field, or null when undeclared. */
  public FieldTree child(String name) {
    return children.get(name);
  }

  /** The node for every element of an array, or null when the rules have no {@code []} here. */
  public FieldTree each() {
    return each;
  }

  /** The strategy of a leaf, or null for an inner node. */
  public Strategy strategy() {
    return strategy;
  }

  /** The rule of a leaf, or null for an inner node. */
  public Rules.Field rule() {
    return rule;
  }

  public boolean isLeaf() {
    return strategy != null;
  }

  public Map<String, FieldTree> children() {
    return Collections.unmodifiableMap(children);
  }

  /**
   * Adds a rule.
   *
   * @throws IllegalArgumentException when the path collides with another declared path
   */
  void add(Rules.Field field, Strategy s) {
    FieldTree node = this;
    for (FieldPath.Segment segment : field.path().segments()) {
      if (node.isLeaf()) {
        throw new IllegalArgumentException(
            "'" + field.path() + "' is inside '" + node.rule.path() + "'; declare leaves only");
      }
      if (segment instanceof FieldPath.Name name) {
        node = node.children.computeIfAbsent(name.name(), k -> new FieldTree());
      } else {
        if (node.each == null) {
          node.each = new FieldTree();
        }
        node = node.each;
      }
    }
    if (node.isLeaf() || !node.children.isEmpty() || node.each != null) {
      throw new IllegalArgumentException(
          "'" + field.path() + "' is declared twice or has declared paths inside it");
    }
    node.strategy = s;
    node.rule = field;
  }
}
