package io.dbrestore.atlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** What atlas-restore reads of a cluster: its state and its resource tags. */
public record Cluster(String name, String stateName, Map<String, String> tags) {
  public Cluster {
    tags = Map.copyOf(tags);
  }

  static Cluster of(JsonNode n) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (JsonNode t : n.path("tags")) {
      if (t.hasNonNull("key")) {
        tags.put(t.get("key").asText(), t.path("value").asText(""));
      }
    }
    return new Cluster(n.path("name").asText(null), n.path("stateName").asText(null), tags);
  }
}
