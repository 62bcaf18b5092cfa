package io.dbrestore.aurora.flow;

import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.sql.SqlMasking;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SqlSteps} over JDBC: the SQL masking engine and a post-restore SQL file. */
public final class JdbcSqlSteps implements SqlSteps {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSqlSteps.class);

  private final JobContext context;
  private final MaskingPlan plan;
  private final int parallelism;
  private final int rangeRows;
  private final Path postRestoreSql;
  private final Progress progress;
  private Duration connectTimeout = Duration.ofMinutes(10);
  private Backoff connectBackoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(20), 2);

  /**
   * @param plan the masking plan, or null when this workflow does not mask
   * @param postRestoreSql the SQL file to run after a restore, or null
   */
  public JdbcSqlSteps(
      JobContext context,
      MaskingPlan plan,
      int parallelism,
      int rangeRows,
      Path postRestoreSql,
      Progress progress) {
    this.context = context;
    this.plan = plan;
    this.parallelism = parallelism;
    this.rangeRows = rangeRows;
    this.postRestoreSql = postRestoreSql;
    this.progress = progress;
  }

  /** For tests: how long to wait for a new cluster's endpoint to accept connections. */
  public JdbcSqlSteps connectWait(Duration timeout, Backoff backoff) {
    this.connectTimeout = timeout;
    this.connectBackoff = backoff;
    return this;
  }

  /** Checks the post-restore SQL file up front, before anything is restored (exit 2). */
  public static Path checkSqlFile(Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw JobException.invalidInput("--post-restore-sql " + file + ": no such readable file");
    }
    return file;
  }

  @Override
  public boolean postRestoreConfigured() {
    return postRestoreSql != null;
  }

  @Override
  public String rulesSha256() {
    return plan == null ? null : plan.rules().sha256();
  }

  @Override
  public String rulesVersion() {
    return plan == null ? null : plan.rules().version();
  }

  @Override
  public Optional<MaskingResult> mask(SqlEndpoint endpoint) throws SQLException {
    if (plan == null) {
      throw new IllegalStateException("no masking rules were given");
    }
    String url = endpoint.jdbcUrl();
    Properties properties = SqlMasking.connectionProperties(url);
    SqlMasking.Connections connections = connections(endpoint, properties);
    awaitConnectable(endpoint, connections);
    RunOptions options =
        SqlMasking.defaultOptions()
            .withParallelism(parallelism)
            .withUnitSize(rangeRows)
            .withProgress(progress);
    try {
      MaskingResult result = new SqlMasking(url, connections, plan, options).run();
      if (!result.verified()) {
        throw JobException.verificationFailed(
            "masking of " + endpoint.host() + " did not pass verification");
      }
      return Optional.of(result);
    } catch (MaskingException e) {
      throw MaskingInputs.toJobException(e);
    }
  }

  @Override
  public int postRestore(SqlEndpoint endpoint) throws IOException, SQLException {
    if (postRestoreSql == null) {
      return 0;
    }
    String sql = Files.readString(postRestoreSql);
    Properties properties = new Properties();
    properties.setProperty("allowMultiQueries", "true");
    SqlMasking.Connections connections = connections(endpoint, properties);
    awaitConnectable(endpoint, connections);
    try (Connection c = connections.open();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      int results = 0;
      try {
        boolean more = s.execute(sql);
        while (more || s.getUpdateCount() != -1) {
          results++;
          more = s.getMoreResults();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw new JobException(
            io.dbrestore.runtime.ExitCode.FAULT,
            "post-restore-sql",
            "--post-restore-sql "
                + postRestoreSql.getFileName()
                + " failed (SQL state "
                + e.getSQLState()
                + "): "
                + Redactor.redact(e.getMessage())
                + "; rolled back where the engine allows; fix the file and re-run",
            e);
      }
      LOG.info("ran {} ({} results)", postRestoreSql.getFileName(), results);
      return results;
    }
  }

  private static SqlMasking.Connections connections(SqlEndpoint endpoint, Properties base) {
    Properties p = new Properties();
    p.putAll(base);
    p.setProperty("user", endpoint.user());
    p.setProperty("password", endpoint.password());
    String url = endpoint.jdbcUrl();
    return () -> {
      Connection c = DriverManager.getConnection(url, p);
      c.setAutoCommit(true);
      return c;
    };
  }

  /** A new cluster's DNS name and listener can lag behind its "available" status. */
  private void awaitConnectable(SqlEndpoint endpoint, SqlMasking.Connections connections) {
    DriverManager.setLoginTimeout(15);
    context
        .waiter()
        .until(
            endpoint.host() + ":" + endpoint.port() + " to accept connections",
            connectTimeout,
            connectBackoff,
            () -> {
              try (Connection c = connections.open()) {
                return Poll.done(Boolean.TRUE);
              } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.startsWith("28")) {
                  throw new JobException(
                      io.dbrestore.runtime.ExitCode.FAULT,
                      "db-auth",
                      "the database refused the master credentials (SQL state "
                          + state
                          + "); check the password secret and that the password change applied");
                }
                return Poll.pending("not accepting connections (" + state + ")");
              }
            });
  }
}
