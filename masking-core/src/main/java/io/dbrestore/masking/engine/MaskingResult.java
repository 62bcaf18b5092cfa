package io.dbrestore.masking.engine;

import java.util.List;
import java.util.Map;

/**
 * A finished masking run, whatever the engine.
 *
 * @param manifest documents (rows) per collection (table), {@code db.collection}, after masking:
 *     what a snapshot of this copy holds
 * @param undeclaredFields paths the rules do not declare, with counts (empty unless the policy only
 *     warns)
 */
public record MaskingResult(
    List<CollectionReport> collections,
    Map<String, Long> manifest,
    boolean verified,
    long documentsMasked,
    double seconds,
    Map<String, Map<String, Long>> undeclaredFields) {}
