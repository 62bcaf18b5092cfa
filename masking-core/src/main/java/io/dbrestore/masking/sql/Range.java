package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.WorkUnit;
import java.util.List;

/** A slice of a table between two keys: {@code [lo, hi)}, either end open when null. */
record Range(TableTarget target, int index, List<Object> lo, List<Object> hi, long rows)
    implements WorkUnit {
  @Override
  public long documents() {
    return rows;
  }
}
