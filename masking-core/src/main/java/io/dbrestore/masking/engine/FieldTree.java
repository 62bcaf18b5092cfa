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
 * contacts} → each element → {@code email}, whose leaf holds the strategy. {@code prefs.*.theme} is
 * {@code prefs} → any field → {@code theme}; {@code prefs{}} puts a key strategy on the node {@code
 * prefs}.
 */
public final class FieldTree {
  private final String collection;
  private final Map<String, FieldTree> children = new LinkedHashMap<>();
  private FieldTree each;
  private FieldTree any;
  private Strategy strategy;
  private Rules.Field rule;
  private Strategy keyStrategy;
  private Rules.Field keyRule;

  /** An empty tree, for tests and for collections without field rules. */
  public FieldTree() {
    this("");
  }

  /**
   * @param collection the qualified name of the collection (or table) whose rules this tree holds,
   *     for messages
   */
  public FieldTree(String collection) {
    this.collection = collection;
  }

  /** The qualified name of the collection (or table), for messages; may be empty. */
  public String collection() {
    return collection;
  }

  /** The child for a sub-document field, or null when undeclared. */
  public FieldTree child(String name) {
    return children.get(name);
  }

  /** The node for every element of an array, or null when the rules have no {@code []} here. */
  public FieldTree each() {
    return each;
  }

  /** The node for every field of a sub-document ({@code *}), or null. */
  public FieldTree any() {
    return any;
  }

  /** The strategy that masks this sub-document's keys ({@code prefs{}}), or null. */
  public Strategy keyStrategy() {
    return keyStrategy;
  }

  /** The rule that masks this sub-document's keys, or null. */
  public Rules.Field keyRule() {
    return keyRule;
  }

  /** Whether the rules expect a sub-document here (named fields, {@code *} or {@code {}}). */
  public boolean expectsDocument() {
    return !children.isEmpty() || any != null || keyStrategy != null;
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
        if (node.keyStrategy != null) {
          throw namedUnderKeys(field, node);
        }
        node = node.children.computeIfAbsent(name.name(), k -> new FieldTree(collection));
      } else if (segment instanceof FieldPath.Each) {
        if (node.each == null) {
          node.each = new FieldTree(collection);
        }
        node = node.each;
      } else if (segment instanceof FieldPath.Any) {
        if (node.any == null) {
          node.any = new FieldTree(collection);
        }
        node = node.any;
      } else {
        // '{}': the last segment (FieldPath checks it).
        if (node.keyStrategy != null) {
          throw new IllegalArgumentException("'" + field.path() + "' is declared twice");
        }
        if (!node.children.isEmpty()) {
          throw namedUnderKeys(field, node);
        }
        if (!s.unique()) {
          throw new IllegalArgumentException(
              "the keys of a sub-document can be masked with a unique strategy only (email,"
                  + " token), not '"
                  + s.name()
                  + "'");
        }
        node.keyStrategy = s;
        node.keyRule = field;
        return;
      }
    }
    if (node.isLeaf()
        || !node.children.isEmpty()
        || node.each != null
        || node.any != null
        || node.keyStrategy != null) {
      throw new IllegalArgumentException(
          "'" + field.path() + "' is declared twice or has declared paths inside it");
    }
    node.strategy = s;
    node.rule = field;
  }

  private static IllegalArgumentException namedUnderKeys(Rules.Field field, FieldTree node) {
    return new IllegalArgumentException(
        "'"
            + field.path()
            + "' names a field of a sub-document whose keys are masked"
            + (node.keyRule == null ? "" : " by '" + node.keyRule.path() + "'")
            + "; write '*' for every key");
  }
}
