package io.dbrestore.aurora.flow;

import io.dbrestore.masking.engine.MaskingResult;
import java.util.Optional;

/**
 * The SQL work a workflow does inside a restored cluster: masking with verification, and the
 * environment's post-restore SQL. The command supplies {@link JdbcSqlSteps}, or in a dry run {@link
 * DryRunSqlSteps} over it; tests may point it anywhere.
 */
public interface SqlSteps {
  /**
   * Masks the database and passes the verification gate, or throws; empty when nothing was masked
   * (a dry run).
   */
  Optional<MaskingResult> mask(SqlEndpoint endpoint) throws Exception;

  /** Runs the post-restore SQL file, if one is configured; returns the statements run. */
  int postRestore(SqlEndpoint endpoint) throws Exception;

  /** Whether a post-restore SQL file is configured. */
  boolean postRestoreConfigured();

  /** The rules' SHA-256 (hex), for tags; null when there are no rules. */
  String rulesSha256();

  /** The S3 version of the rules object ({@code --rules s3://…}); null for a file. */
  default String rulesVersion() {
    return null;
  }
}
