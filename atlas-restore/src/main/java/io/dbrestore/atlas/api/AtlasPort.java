package io.dbrestore.atlas.api;

import java.time.Duration;
import java.util.List;

/**
 * What atlas-restore asks of Atlas, and nothing else: the real adapter is {@link HttpAtlas}; a dry
 * run wraps it in {@link DryRunAtlas}. A call Atlas refuses throws {@link AtlasApiException}
 * (status 404 for what does not exist); one Atlas did not answer usefully, {@link
 * AtlasUnavailableException}.
 */
public interface AtlasPort {
  /** What a cluster is called in the guard's refusals and in the dry-run plan. */
  String CLUSTER = "atlas cluster";

  /** Creating a restore job, as the guard's log and the dry-run plan name it. */
  String CREATE_RESTORE_JOB = "atlas:createBackupRestoreJob";

  /** Every snapshot of a (replica set) cluster. */
  List<Snapshot> snapshots(ClusterRef cluster);

  Snapshot snapshot(ClusterRef cluster, String snapshotId);

  /** The cluster's state and resource tags. */
  Cluster cluster(ClusterRef cluster);

  /** Every restore job made from the source cluster's snapshots. */
  List<RestoreJob> restoreJobs(ClusterRef source);

  RestoreJob restoreJob(ClusterRef source, String restoreJobId);

  /**
   * Starts an automated restore of the snapshot into the target, whose data it replaces. When the
   * answer is lost ({@link AtlasUnavailableException}) Atlas may have made it anyway: the caller
   * looks before trying again.
   */
  RestoreJob createRestoreJob(ClusterRef source, Snapshot snapshot, ClusterRef target);

  /** Cancels a restore job with one attempt bounded by {@code timeout}, for the cleanup. */
  void cancelRestoreJob(ClusterRef source, String restoreJobId, Duration timeout);
}
