package io.dbrestore.masking.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * One collection, table or materialized view as a survey found it, and what of it the rules do not
 * declare.
 *
 * @param kind {@code collection}, {@code table} or {@code materialized-view}
 * @param documents documents or rows when counted; null when not (SQL with --schema-only)
 * @param declared whether the rules declare it
 * @param fieldsChecked whether its field rules were checked against the data (a full scan, or the
 *     catalogue for SQL columns): only then can a field rule be called stale
 * @param note why a suggestion differs from the usual (no primary key…); null when none
 */
public record Surveyed(
    String database,
    String name,
    String kind,
    Long documents,
    boolean declared,
    boolean fieldsChecked,
    String note,
    Findings findings) {
  /** Surveys of many collections. */
  public static final class Survey {
    private final List<Surveyed> collections = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();
    private final java.util.Set<String> scope;

    /**
     * @param scope the databases (schemas) to look at; empty for all
     */
    public Survey(java.util.Collection<String> scope) {
      this.scope = java.util.Set.copyOf(scope);
    }

    public boolean inScope(String database) {
      return scope.isEmpty() || scope.contains(database);
    }

    public void database(String name) {
      databases.add(name);
    }

    public void add(Surveyed s) {
      collections.add(s);
    }

    public List<Surveyed> collections() {
      return collections;
    }

    /** The databases (schemas) seen, in scope. */
    public List<String> databases() {
      return databases;
    }
  }
}
