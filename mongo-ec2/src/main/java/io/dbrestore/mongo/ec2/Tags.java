package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.guard.GuardPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tags dbrestore puts on what it creates. {@value #MANAGED} lets the safety guard destroy it
 * later; {@value #RUN_ID} lets a re-run of the same execution find and adopt it instead of making
 * it twice.
 */
public final class Tags {
  public static final String MANAGED = GuardPolicy.MANAGED_TAG;
  public static final String RUN_ID = "dbrestore:run-id";
  public static final String JOB = "dbrestore:job";

  /** What the resource is for: {@code working-volume}, {@code masked-snapshot}, … */
  public static final String ROLE = "dbrestore:role";

  public static final String INSTANCE = "dbrestore:instance";
  public static final String SOURCE_SNAPSHOT = "dbrestore:source-snapshot";
  public static final String RULES_SHA256 = "dbrestore:rules-sha256";
  public static final String LABEL = "dbrestore:label";

  /** On a working volume: the sanity check passed on this copy before masking began. */
  public static final String SANITY_CHECKED = "dbrestore:sanity-checked";

  /** On a working volume: masked and verified; its manifest tags are set. */
  public static final String MASKED = "dbrestore:masked";

  public static final String ROLE_WORKING_VOLUME = "working-volume";
  public static final String ROLE_MASKED_SNAPSHOT = "masked-snapshot";
  public static final String ROLE_RESTORED_VOLUME = "restored-volume";

  private Tags() {}

  /** The tags every resource a job creates carries. */
  public static Map<String, String> created(String job, String runId, String role) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("Name", "dbrestore-" + role + "-" + runId);
    tags.put(MANAGED, "true");
    tags.put(JOB, job);
    tags.put(RUN_ID, runId);
    tags.put(ROLE, role);
    return tags;
  }

  /** The filter that finds what one run of a job created in one role. */
  public static Map<String, String> ofRun(String job, String runId, String role) {
    return Map.of(MANAGED, "true", JOB, job, RUN_ID, runId, ROLE, role);
  }

  /** The filter that finds what any run of a job created in one role. */
  public static Map<String, String> ofJob(String job, String role) {
    return Map.of(MANAGED, "true", JOB, job, ROLE, role);
  }
}
