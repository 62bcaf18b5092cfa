package io.dbrestore.atlas.api;

import java.util.Map;

/** What atlas-restore reads of a cluster: its state and its resource tags. */
public record Cluster(String name, String stateName, Map<String, String> tags) {
  public Cluster {
    tags = Map.copyOf(tags);
  }

  public Cluster withStateName(String value) {
    return new Cluster(name, value, tags);
  }
}
