package io.dbrestore.masking.engine;

/** A slice of a collection that one worker masks: a MongoDB chunk, an SQL key range. */
public interface WorkUnit {
  Target target();

  /** Documents (rows) it held when it was cut; the largest units start first. */
  long documents();
}
