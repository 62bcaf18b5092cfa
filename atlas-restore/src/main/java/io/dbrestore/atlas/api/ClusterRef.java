package io.dbrestore.atlas.api;

/**
 * A cluster as the Admin API addresses it: its project (the API's "group") id and its name. Written
 * {@code <project>/<name>}, in messages and for the target allowlist.
 */
public record ClusterRef(String project, String name) {
  @Override
  public String toString() {
    return project + "/" + name;
  }
}
