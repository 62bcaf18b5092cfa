package io.dbrestore.aurora.flow;

import io.dbrestore.masking.engine.MaskingResult;

/**
 * The SQL work a workflow does inside a restored cluster: masking with verification, and the
 * environment's post-restore SQL. The command supplies the real one; tests may point it anywhere.
 */
public interface SqlSteps {
  /** Masks the database and passes the verification gate, or throws. */
  MaskingResult mask(SqlEndpoint endpoint) throws Exception;

  /** Runs the post-restore SQL file, if one is configured; returns the statements run. */
  int postRestore(SqlEndpoint endpoint) throws Exception;

  /** Whether a post-restore SQL file is configured. */
  boolean postRestoreConfigured();

  /** The rules' SHA-256 (hex), for tags; null when there are no rules. */
  String rulesSha256();
}
