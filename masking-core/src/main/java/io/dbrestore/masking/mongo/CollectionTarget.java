package io.dbrestore.masking.mongo;

import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.Target;

/** A collection a run works on, with the documents it held at the inventory. */
record CollectionTarget(CollectionPlan plan, long documents) implements Target {}
