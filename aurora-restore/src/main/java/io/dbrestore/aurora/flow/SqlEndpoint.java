package io.dbrestore.aurora.flow;

import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.runtime.error.JobException;

/**
 * Where a restored cluster accepts SQL: host, port, database and the master user. The password
 * stays in memory (registered with the redactor by whoever made it).
 */
public record SqlEndpoint(
    String engine, String host, int port, String database, String user, String password) {

  /** For the cluster's writer endpoint; {@code database} null picks the engine's default. */
  public static SqlEndpoint of(Cluster cluster, String database, String password) {
    String db = database;
    if (db == null) {
      db = cluster.databaseName();
    }
    if (db == null) {
      db = isPostgres(cluster.engine()) ? "postgres" : "";
    }
    return new SqlEndpoint(
        cluster.engine(),
        cluster.endpoint(),
        cluster.port(),
        db,
        cluster.masterUsername(),
        password);
  }

  public String jdbcUrl() {
    if (isPostgres(engine)) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }
    if (engine != null && (engine.contains("mysql") || engine.contains("mariadb"))) {
      return "jdbc:mariadb://" + host + ":" + port + "/" + database;
    }
    throw JobException.invalidInput(
        "engine '" + engine + "' is not supported: aurora-postgresql and aurora-mysql are");
  }

  static boolean isPostgres(String engine) {
    return engine != null && engine.contains("postgres");
  }

  @Override
  public String toString() {
    return "SqlEndpoint[" + engine + " " + host + ":" + port + "/" + database + " as " + user + "]";
  }
}
