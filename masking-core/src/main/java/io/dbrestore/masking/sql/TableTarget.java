package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.Target;

/** A table a run works on, with the rows it held at the inventory. */
record TableTarget(Table table, CollectionPlan plan, long rows) implements Target {
  @Override
  public long documents() {
    return rows;
  }
}
