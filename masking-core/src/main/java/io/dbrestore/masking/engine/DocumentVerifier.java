package io.dbrestore.masking.engine;

import io.dbrestore.masking.strategy.FormCheck;
import io.dbrestore.masking.strategy.Strategy;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.bson.Document;

/**
 * The verification gate's look at one document: every value under a masked field must be in its
 * strategy's output form (a removed field must be gone), and every path must be declared. Reports
 * field paths and never values.
 */
public final class DocumentVerifier {
  private final FieldTree tree;

  public DocumentVerifier(FieldTree tree) {
    this.tree = tree;
  }

  /**
   * @param notMasked receives the rule path of each field with a value not in masked form
   * @param undeclared receives each undeclared path and a count
   */
  public void verify(
      Document document, Consumer<String> notMasked, BiConsumer<String, Integer> undeclared) {
    for (Map.Entry<String, Object> e : document.entrySet()) {
      FieldTree node = tree.child(e.getKey());
      if (node == null) {
        undeclared.accept(e.getKey(), 1);
        continue;
      }
      walk(node, e.getValue(), e.getKey(), notMasked, undeclared);
    }
  }

  private void walk(
      FieldTree node,
      Object value,
      String path,
      Consumer<String> notMasked,
      BiConsumer<String, Integer> undeclared) {
    if (node.isLeaf()) {
      Strategy s = node.strategy();
      if (s.keeps()) {
        return;
      }
      if ("remove".equals(s.name())) {
        // A field the rules remove must not be there at all.
        notMasked.accept(node.rule().path().text());
        return;
      }
      if (s.check(value) == FormCheck.NOT_MASKED) {
        notMasked.accept(node.rule().path().text());
      }
      return;
    }
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      FieldTree each = node.each();
      FieldTree elementNode = each == null ? node : each;
      String elementPath = each == null ? path : path + "[]";
      for (Object element : list) {
        walk(elementNode, element, elementPath, notMasked, undeclared);
      }
      return;
    }
    if (value instanceof Map<?, ?> map && node.expectsDocument()) {
      Strategy keys = node.keyStrategy();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (keys != null && keys.check(name) == FormCheck.NOT_MASKED) {
          notMasked.accept(node.keyRule().path().text());
        }
        FieldTree child = node.child(name);
        String childPath;
        if (child != null) {
          childPath = path + "." + name;
        } else {
          child = node.any();
          childPath = path + ".*";
        }
        if (child == null) {
          undeclared.accept(keys != null ? childPath : path + "." + DocumentMasker.shown(name), 1);
        } else {
          walk(child, e.getValue(), childPath, notMasked, undeclared);
        }
      }
      return;
    }
    // Another shape than the rules declare: masking sets such a value to null, so one still here
    // was not masked.
    notMasked.accept(path);
  }
}
