package io.dbrestore.masking.mongo;

import io.dbrestore.masking.engine.WorkUnit;

/**
 * A whole collection the verification reads, with no {@code _id} filter.
 *
 * @param documents what {@code countDocuments()} counted before the read: the read must see as many
 */
record CollectionScan(CollectionTarget target, long documents) implements WorkUnit {}
