package io.dbrestore.atlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link AtlasPort} over the Atlas Admin API v2. Cloud backup resources use the versioned media
 * type {@value #BACKUP_MEDIA_TYPE}; clusters {@value #CLUSTER_MEDIA_TYPE}, the version whose answer
 * carries resource tags.
 */
public final class HttpAtlas implements AtlasPort {
  public static final String BACKUP_MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json";
  public static final String CLUSTER_MEDIA_TYPE = "application/vnd.atlas.2024-08-05+json";
  static final int PAGE_SIZE = 100;
  private static final int MAX_PAGES = 50;

  private final AtlasTransport transport;

  public HttpAtlas(AtlasTransport transport) {
    this.transport = transport;
  }

  public URI base() {
    return transport.base();
  }

  private static String clusterPath(ClusterRef cluster) {
    return "/api/atlas/v2/groups/" + cluster.project() + "/clusters/" + cluster.name();
  }

  private static String restoreJobsPath(ClusterRef source) {
    return clusterPath(source) + "/backup/restoreJobs";
  }

  @Override
  public List<Snapshot> snapshots(ClusterRef cluster) {
    return pages(clusterPath(cluster) + "/backup/snapshots", HttpAtlas::snapshot);
  }

  @Override
  public Snapshot snapshot(ClusterRef cluster, String snapshotId) {
    return snapshot(
        get(clusterPath(cluster) + "/backup/snapshots/" + snapshotId, BACKUP_MEDIA_TYPE));
  }

  @Override
  public Cluster cluster(ClusterRef cluster) {
    return cluster(get(clusterPath(cluster), CLUSTER_MEDIA_TYPE));
  }

  @Override
  public List<RestoreJob> restoreJobs(ClusterRef source) {
    return pages(restoreJobsPath(source), HttpAtlas::restoreJob);
  }

  @Override
  public RestoreJob restoreJob(ClusterRef source, String restoreJobId) {
    return restoreJob(get(restoreJobsPath(source) + "/" + restoreJobId, BACKUP_MEDIA_TYPE));
  }

  /** Not repeated on 5xx or a lost answer (see {@link AtlasTransport}). */
  @Override
  public RestoreJob createRestoreJob(ClusterRef source, Snapshot snapshot, ClusterRef target) {
    return restoreJob(transport.send(createRequest(source, snapshot.id(), target)));
  }

  /**
   * The request that creates an automated restore, as it is sent (and as a dry run prints it): the
   * fields Atlas requires for that type.
   */
  public static AtlasTransport.Request createRequest(
      ClusterRef source, String snapshotId, ClusterRef target) {
    ObjectNode body = AtlasTransport.JSON.createObjectNode();
    body.put("deliveryType", RestoreJob.AUTOMATED);
    body.put("snapshotId", snapshotId);
    body.put("targetClusterName", target.name());
    body.put("targetGroupId", target.project());
    return AtlasTransport.Request.post(restoreJobsPath(source), body.toString(), BACKUP_MEDIA_TYPE);
  }

  @Override
  public void cancelRestoreJob(ClusterRef source, String restoreJobId, Duration timeout) {
    transport.sendOnce(
        AtlasTransport.Request.delete(
            restoreJobsPath(source) + "/" + restoreJobId, BACKUP_MEDIA_TYPE),
        timeout);
  }

  private JsonNode get(String path, String mediaType) {
    return transport.send(AtlasTransport.Request.get(path, mediaType));
  }

  private <T> List<T> pages(String path, Function<JsonNode, T> item) {
    List<T> all = new ArrayList<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      JsonNode answer =
          get(
              path + "?pageNum=" + page + "&itemsPerPage=" + PAGE_SIZE + "&includeCount=true",
              BACKUP_MEDIA_TYPE);
      JsonNode results = answer.path("results");
      for (JsonNode n : results) {
        all.add(item.apply(n));
      }
      long total = answer.path("totalCount").asLong(-1);
      if (results.size() < PAGE_SIZE || (total >= 0 && all.size() >= total)) {
        break;
      }
    }
    return all;
  }

  private static Snapshot snapshot(JsonNode n) {
    return new Snapshot(
        n.path("id").asText(null), instant(n, "createdAt"), n.path("status").asText(""));
  }

  private static Cluster cluster(JsonNode n) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (JsonNode t : n.path("tags")) {
      if (t.hasNonNull("key")) {
        tags.put(t.get("key").asText(), t.path("value").asText(""));
      }
    }
    return new Cluster(n.path("name").asText(null), n.path("stateName").asText(null), tags);
  }

  private static RestoreJob restoreJob(JsonNode n) {
    return new RestoreJob(
        n.path("id").asText(null),
        n.path("snapshotId").asText(null),
        n.path("deliveryType").asText(null),
        n.path("targetGroupId").asText(null),
        n.path("targetClusterName").asText(null),
        instant(n, "finishedAt"),
        n.path("failed").asBoolean(false),
        n.path("cancelled").asBoolean(false),
        n.path("expired").asBoolean(false),
        instant(n, "expiresAt"),
        instant(n, "timestamp"));
  }

  private static Instant instant(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.asText().isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v.asText()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
