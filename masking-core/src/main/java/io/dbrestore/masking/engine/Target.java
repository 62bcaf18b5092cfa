package io.dbrestore.masking.engine;

import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;

/** A collection (table) a masking run works on, as the engine's inventory found it. */
public interface Target {
  CollectionPlan plan();

  /** Documents (rows) it held when the inventory counted them. */
  long documents();

  /** {@code db.collection} ({@code schema.table}). */
  default String name() {
    return plan().qualifiedName();
  }
}
