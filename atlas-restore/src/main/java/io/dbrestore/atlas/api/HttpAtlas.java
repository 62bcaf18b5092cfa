package io.dbrestore.atlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Atlas Admin API v2 calls atlas-restore makes, in its own terms. Cloud backup resources use
 * the versioned media type {@value #BACKUP_MEDIA_TYPE}; clusters {@value #CLUSTER_MEDIA_TYPE}, the
 * version whose answer carries resource tags.
 */
public final class HttpAtlas {
  public static final String BACKUP_MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json";
  public static final String CLUSTER_MEDIA_TYPE = "application/vnd.atlas.2024-08-05+json";
  static final int PAGE_SIZE = 100;
  private static final int MAX_PAGES = 50;

  private final AtlasTransport transport;

  public HttpAtlas(AtlasTransport transport) {
    this.transport = transport;
  }

  public AtlasTransport transport() {
    return transport;
  }

  static String clusterPath(String project, String cluster) {
    return "/api/atlas/v2/groups/" + project + "/clusters/" + cluster;
  }

  public static String restoreJobsPath(String project, String cluster) {
    return clusterPath(project, cluster) + "/backup/restoreJobs";
  }

  /** Every snapshot of a (replica set) cluster, all pages. */
  public List<Snapshot> snapshots(String project, String cluster) {
    return pages(clusterPath(project, cluster) + "/backup/snapshots", Snapshot::of);
  }

  public Snapshot snapshot(String project, String cluster, String snapshotId) {
    return Snapshot.of(
        transport.send(
            AtlasTransport.Request.get(
                clusterPath(project, cluster) + "/backup/snapshots/" + snapshotId,
                BACKUP_MEDIA_TYPE)));
  }

  public Cluster cluster(String project, String cluster) {
    return Cluster.of(
        transport.send(
            AtlasTransport.Request.get(clusterPath(project, cluster), CLUSTER_MEDIA_TYPE)));
  }

  /** The restore jobs made from a source cluster's snapshots, all pages. */
  public List<RestoreJob> restoreJobs(String project, String cluster) {
    return pages(restoreJobsPath(project, cluster), RestoreJob::of);
  }

  public RestoreJob restoreJob(String project, String cluster, String restoreJobId) {
    return RestoreJob.of(
        transport.send(
            AtlasTransport.Request.get(
                restoreJobsPath(project, cluster) + "/" + restoreJobId, BACKUP_MEDIA_TYPE)));
  }

  /** POSTs the restore job; not repeated on 5xx or a lost answer (see {@link AtlasTransport}). */
  public RestoreJob createRestoreJob(String project, String cluster, ObjectNode body) {
    return RestoreJob.of(
        transport.send(
            AtlasTransport.Request.post(
                restoreJobsPath(project, cluster), body.toString(), BACKUP_MEDIA_TYPE)));
  }

  /** Cancels a restore job with one attempt bounded by {@code timeout}, for cleanup. */
  public void cancelRestoreJob(
      String project, String cluster, String restoreJobId, Duration timeout) {
    transport.sendOnce(
        AtlasTransport.Request.delete(
            restoreJobsPath(project, cluster) + "/" + restoreJobId, BACKUP_MEDIA_TYPE),
        timeout);
  }

  /** The request body of an automated restore: the fields Atlas requires for that type. */
  public static ObjectNode automatedRestore(
      String snapshotId, String targetProject, String targetCluster) {
    ObjectNode body = AtlasTransport.JSON.createObjectNode();
    body.put("deliveryType", RestoreJob.AUTOMATED);
    body.put("snapshotId", snapshotId);
    body.put("targetClusterName", targetCluster);
    body.put("targetGroupId", targetProject);
    return body;
  }

  private <T> List<T> pages(String path, Function<JsonNode, T> item) {
    List<T> all = new ArrayList<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      JsonNode answer =
          transport.send(
              AtlasTransport.Request.get(
                  path + "?pageNum=" + page + "&itemsPerPage=" + PAGE_SIZE + "&includeCount=true",
                  BACKUP_MEDIA_TYPE));
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

  static Instant instant(JsonNode n, String field) {
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
