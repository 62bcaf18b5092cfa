package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.Target;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A table a run works on, with the rows it held at the inventory. */
record TableTarget(Table table, CollectionPlan plan, long rows) implements Target {
  @Override
  public long documents() {
    return rows;
  }

  /** The schemas of some targets, in their order. */
  static Set<String> schemas(List<TableTarget> targets) {
    Set<String> schemas = new LinkedHashSet<>();
    targets.forEach(t -> schemas.add(t.table().schema()));
    return schemas;
  }
}
