package io.dbrestore.runtime.contract;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one home of the tags dbrestore puts on what it creates (EC2 volumes and snapshots, RDS
 * clusters, instances and snapshots, Atlas clusters) and reads back: {@value #MANAGED} lets the
 * safety guard destroy a resource later, {@value #RUN_ID} lets a re-run of the same execution find
 * and adopt it instead of making it twice, the others say what it is for. The IAM policies in
 * {@code terraform/} condition on the same keys.
 */
public final class Tags {
  /** {@code true} on everything dbrestore created: the safety guard's mark. */
  public static final String MANAGED = "dbrestore:managed";

  /** The run (Step Functions execution name) that created it. */
  public static final String RUN_ID = "dbrestore:run-id";

  /** The job that created it (EC2 resources, which two jobs share an account with). */
  public static final String JOB = "dbrestore:job";

  /** What it is for: one of the {@code ROLE_} values. */
  public static final String ROLE = "dbrestore:role";

  /** When it was created (RDS resources), ISO-8601. */
  public static final String CREATED_AT = "dbrestore:created-at";

  /** When teardown may delete it, ISO-8601: temporary targets and abandoned clusters. */
  public static final String EXPIRES_AT = "dbrestore:expires-at";

  /** The production database a masked snapshot or masking cluster was made from. */
  public static final String SOURCE = "dbrestore:source";

  /** The snapshot a volume, cluster or masked snapshot was restored from. */
  public static final String SOURCE_SNAPSHOT = "dbrestore:source-snapshot";

  /** SHA-256 of the masking rules the data was masked with. */
  public static final String RULES_SHA256 = "dbrestore:rules-sha256";

  /**
   * The version of the S3 object the masking rules were read from ({@code --rules s3://…}); absent
   * when they came from a file in the image.
   */
  public static final String RULES_VERSION = "dbrestore:rules-version";

  /** {@code true} once the data it holds is masked and verified. */
  public static final String MASKED = "dbrestore:masked";

  /** A development target's state: {@value #STATE_READY} once restored, configured, in place. */
  public static final String STATE = "dbrestore:state";

  /** The environment (DBRESTORE_TARGET) a restored cluster is for. */
  public static final String TARGET = "dbrestore:target";

  /** On an old Aurora target renamed away: the run that replaced it. */
  public static final String REPLACED_BY = "dbrestore:replaced-by";

  /** On a restored EBS volume: the volume it replaced ({@code none} if there was none). */
  public static final String REPLACES = "dbrestore:replaces";

  /** On an EBS volume: the instance it was made for. */
  public static final String INSTANCE = "dbrestore:instance";

  /** The kind of masked EBS snapshot (one per source database): {@code --label}. */
  public static final String LABEL = "dbrestore:label";

  /** On a working volume: the sanity check passed on this copy before masking began. */
  public static final String SANITY_CHECKED = "dbrestore:sanity-checked";

  /** A temporary Aurora cluster in production that is masked, snapshotted and deleted. */
  public static final String ROLE_MASKING = "masking";

  /** A development target (or its replacement while it is restored). */
  public static final String ROLE_TARGET = "target";

  /** A masked snapshot, the only thing that crosses to development. */
  public static final String ROLE_MASKED_SNAPSHOT = "masked-snapshot";

  /**
   * The EBS volume the masking instance restores the production copy on: masked in place by {@code
   * mongo-mask-snapshot mask}, only read by {@code run}.
   */
  public static final String ROLE_WORKING_VOLUME = "working-volume";

  /** An EBS volume restored under a development instance. */
  public static final String ROLE_RESTORED_VOLUME = "restored-volume";

  /**
   * A blank volume the masking job creates and masks the copy into (mongo-mask-snapshot): the only
   * volume it ever snapshots and shares.
   */
  public static final String ROLE_PUBLISHED_VOLUME = "published-volume";

  /** {@link #STATE}: the target was restored, configured and renamed into place. */
  public static final String STATE_READY = "ready";

  private Tags() {}

  /**
   * The tags an RDS resource a run creates carries: managed, run id, role and creation time (RDS
   * identifiers are the resources' names).
   */
  public static Map<String, String> created(String runId, String role, Instant at) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(MANAGED, "true");
    tags.put(RUN_ID, runId);
    tags.put(ROLE, role);
    tags.put(CREATED_AT, at.toString());
    return tags;
  }

  /**
   * The tags an EC2 resource a job creates carries: a {@code Name} for the console (EC2 ids say
   * nothing), managed, the job, run id and role.
   */
  public static Map<String, String> createdBy(String job, String runId, String role) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("Name", "dbrestore-" + role + "-" + runId);
    tags.put(MANAGED, "true");
    tags.put(JOB, job);
    tags.put(RUN_ID, runId);
    tags.put(ROLE, role);
    return tags;
  }

  /** Whether the tags mark a resource dbrestore created. */
  public static boolean isManaged(Map<String, String> tags) {
    return "true".equals(tags.get(MANAGED));
  }

  /** Whether the tags mark a resource this run created. */
  public static boolean isOfRun(Map<String, String> tags, String runId) {
    return isManaged(tags) && runId.equals(tags.get(RUN_ID));
  }

  /** The tag filter that finds what one run of a job created in one role. */
  public static Map<String, String> ofRun(String job, String runId, String role) {
    return Map.of(MANAGED, "true", JOB, job, RUN_ID, runId, ROLE, role);
  }

  /** The tag filter that finds what any run of a job created in one role. */
  public static Map<String, String> ofJob(String job, String role) {
    return Map.of(MANAGED, "true", JOB, job, ROLE, role);
  }

  /**
   * A key in Atlas's spelling: Atlas resource tag keys may not contain ':', so {@code
   * dbrestore:managed} is {@code dbrestore-managed} there.
   */
  public static String atlasKey(String key) {
    return key.replace(':', '-');
  }
}
