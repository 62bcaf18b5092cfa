package io.dbrestore.aurora.flow;

import io.dbrestore.runtime.guard.GuardPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tags dbrestore puts on what it creates in RDS, and reads back to find and adopt it. */
public final class AuroraTags {
  public static final String MANAGED = GuardPolicy.MANAGED_TAG;
  public static final String RUN_ID = "dbrestore:run-id";
  public static final String ROLE = "dbrestore:role";
  public static final String SOURCE = "dbrestore:source";
  public static final String SOURCE_SNAPSHOT = "dbrestore:source-snapshot";
  public static final String RULES_SHA256 = "dbrestore:rules-sha256";
  public static final String CREATED_AT = "dbrestore:created-at";
  public static final String EXPIRES_AT = "dbrestore:expires-at";
  public static final String STATE = "dbrestore:state";
  public static final String MASKED = "dbrestore:masked";

  /** Temporary cluster in production that is masked, then snapshotted and deleted. */
  public static final String ROLE_MASKING = "masking";

  /** A development target (or its replacement while it is restored). */
  public static final String ROLE_TARGET = "target";

  public static final String ROLE_MASKED_SNAPSHOT = "masked-snapshot";

  /** A target restored, configured and renamed into place. */
  public static final String STATE_READY = "ready";

  private AuroraTags() {}

  public static Map<String, String> base(String runId, String role, Instant now) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(MANAGED, "true");
    tags.put(RUN_ID, runId);
    tags.put(ROLE, role);
    tags.put(CREATED_AT, now.toString());
    return tags;
  }

  public static boolean managed(Map<String, String> tags) {
    return "true".equals(tags.get(MANAGED));
  }

  public static boolean ofRun(Map<String, String> tags, String runId) {
    return managed(tags) && runId.equals(tags.get(RUN_ID));
  }
}
