package io.dbrestore.masking.engine;

import org.bson.Document;

/**
 * A document (or a row, its JSON columns parsed) as it is and as masking would leave it: what a dry
 * run shows. Masked in memory only.
 */
public record Sample(String collection, Document before, Document after) {}
