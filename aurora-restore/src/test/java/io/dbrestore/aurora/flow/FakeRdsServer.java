package io.dbrestore.aurora.flow;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.aurora.rds.RdsPort.Instance;
import io.dbrestore.aurora.rds.RdsPort.Snapshot;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves the RDS Query API (form-encoded requests, XML responses, RDS error codes) from a {@link
 * FakeRds}, as a WireMock transformer: the real AWS SDK, its retries and its XML parsing talk to a
 * stateful RDS. Stubs of higher priority (throttling, 5xx bursts) can sit in front of it.
 */
final class FakeRdsServer implements ResponseDefinitionTransformerV2 {
  static final String NAME = "fake-rds";
  private static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
  private volatile FakeRds rds;

  /** Serves this fake from now on (one per test). */
  FakeRdsServer use(FakeRds fake) {
    this.rds = fake;
    return this;
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  static Map<String, String> form(String body) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        p.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return p;
  }

  private static List<String> list(Map<String, String> p, String prefix) {
    List<String> values = new ArrayList<>();
    for (int i = 1; p.containsKey(prefix + i); i++) {
      values.add(p.get(prefix + i));
    }
    return values;
  }

  private static Map<String, String> tags(Map<String, String> p) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 1; p.containsKey("Tags.Tag." + i + ".Key"); i++) {
      tags.put(p.get("Tags.Tag." + i + ".Key"), p.getOrDefault("Tags.Tag." + i + ".Value", ""));
    }
    return tags;
  }

  @Override
  public synchronized ResponseDefinition transform(ServeEvent event) {
    Map<String, String> p = form(event.getRequest().getBodyAsString());
    String action = p.get("Action");
    try {
      return ok(action, handle(action, p));
    } catch (IllegalStateException e) {
      String message = e.getMessage();
      String code = message.split("[ :]")[0];
      int status = code.endsWith("NotFoundFault") || code.endsWith("NotFound") ? 404 : 400;
      return xml(
          status,
          "<ErrorResponse xmlns=\""
              + NS
              + "\"><Error><Type>Sender</Type><Code>"
              + code
              + "</Code><Message>"
              + esc(message)
              + "</Message></Error>"
              + "<RequestId>req-err</RequestId></ErrorResponse>");
    }
  }

  private String handle(String action, Map<String, String> p) {
    switch (action) {
      case "DescribeDBClusters":
        {
          String id = p.get("DBClusterIdentifier");
          List<Cluster> clusters;
          if (id != null) {
            clusters =
                List.of(
                    rds.cluster(id)
                        .orElseThrow(
                            () -> new IllegalStateException("DBClusterNotFoundFault " + id)));
          } else {
            clusters = rds.clusters();
          }
          StringBuilder x = new StringBuilder("<DBClusters>");
          clusters.forEach(c -> x.append(cluster(c)));
          return x.append("</DBClusters>").toString();
        }
      case "DescribeDBInstances":
        {
          String id = p.get("DBInstanceIdentifier");
          Instance i =
              rds.instance(id)
                  .orElseThrow(() -> new IllegalStateException("DBInstanceNotFound " + id));
          return "<DBInstances>" + instance(i) + "</DBInstances>";
        }
      case "DescribeDBClusterSnapshots":
        {
          String id = p.get("DBClusterSnapshotIdentifier");
          List<Snapshot> list;
          if (id != null) {
            list =
                List.of(
                    find(id)
                        .orElseThrow(
                            () ->
                                new IllegalStateException("DBClusterSnapshotNotFoundFault " + id)));
          } else {
            RdsPort.SnapshotType type =
                RdsPort.SnapshotType.valueOf(p.get("SnapshotType").toUpperCase());
            list = rds.snapshots(type, p.get("DBClusterIdentifier"));
          }
          StringBuilder x = new StringBuilder("<DBClusterSnapshots>");
          list.forEach(s -> x.append(snapshot(s)));
          return x.append("</DBClusterSnapshots>").toString();
        }
      case "RestoreDBClusterFromSnapshot":
        {
          Snapshot s =
              find(p.get("SnapshotIdentifier"))
                  .orElseThrow(() -> new IllegalStateException("DBClusterSnapshotNotFoundFault"));
          return cluster(rds.restoreFromSnapshot(s, spec(p)));
        }
      case "RestoreDBClusterToPointInTime":
        {
          Instant at =
              p.containsKey("RestoreToTime") ? Instant.parse(p.get("RestoreToTime")) : null;
          return cluster(rds.restoreToPointInTime(p.get("SourceDBClusterIdentifier"), at, spec(p)));
        }
      case "CreateDBInstance":
        return instance(
            rds.createInstance(
                p.get("DBInstanceIdentifier"),
                p.get("DBClusterIdentifier"),
                p.get("DBInstanceClass"),
                p.get("Engine"),
                p.get("DBParameterGroupName"),
                tags(p)));
      case "ModifyDBCluster":
        {
          String id = p.get("DBClusterIdentifier");
          if (p.containsKey("NewDBClusterIdentifier")) {
            rds.renameCluster(id, p.get("NewDBClusterIdentifier"));
            id = p.get("NewDBClusterIdentifier");
          }
          if (p.containsKey("MasterUserPassword")) {
            rds.setMasterPassword(id, p.get("MasterUserPassword"));
          }
          if (p.containsKey("DeletionProtection")) {
            rds.setDeletionProtection(id, Boolean.parseBoolean(p.get("DeletionProtection")));
          }
          return cluster(rds.peek(id));
        }
      case "ModifyDBInstance":
        {
          rds.renameInstance(p.get("DBInstanceIdentifier"), p.get("NewDBInstanceIdentifier"));
          FakeRds.I i = rds.instances.get(p.get("NewDBInstanceIdentifier"));
          return instance(new Instance(i.id, FakeRds.arn("db", i.id), i.cluster, i.status));
        }
      case "DeleteDBInstance":
        {
          rds.deleteInstance(p.get("DBInstanceIdentifier"));
          FakeRds.I i = rds.instances.get(p.get("DBInstanceIdentifier"));
          return instance(new Instance(i.id, FakeRds.arn("db", i.id), i.cluster, i.status));
        }
      case "DeleteDBCluster":
        {
          String id = p.get("DBClusterIdentifier");
          rds.deleteCluster(id);
          return cluster(rds.peek(id));
        }
      case "CreateDBClusterSnapshot":
        return snapshot(
            rds.createSnapshot(
                p.get("DBClusterSnapshotIdentifier"), p.get("DBClusterIdentifier"), tags(p)));
      case "ModifyDBClusterSnapshotAttribute":
        rds.shareSnapshot(
            p.get("DBClusterSnapshotIdentifier"), list(p, "ValuesToAdd.AttributeValue."));
        return "<DBClusterSnapshotAttributesResult><DBClusterSnapshotIdentifier>"
            + p.get("DBClusterSnapshotIdentifier")
            + "</DBClusterSnapshotIdentifier></DBClusterSnapshotAttributesResult>";
      case "DeleteDBClusterSnapshot":
        {
          Snapshot s =
              find(p.get("DBClusterSnapshotIdentifier"))
                  .orElseThrow(() -> new IllegalStateException("DBClusterSnapshotNotFoundFault"));
          rds.deleteSnapshot(s.id());
          return snapshot(s);
        }
      case "AddTagsToResource":
        rds.addTags(p.get("ResourceName"), tags(p));
        return "";
      case "ListTagsForResource":
        {
          StringBuilder x = new StringBuilder("<TagList>");
          rds.tags(p.get("ResourceName"))
              .forEach(
                  (k, v) ->
                      x.append("<Tag><Key>")
                          .append(esc(k))
                          .append("</Key><Value>")
                          .append(esc(v))
                          .append("</Value></Tag>"));
          return x.append("</TagList>").toString();
        }
      default:
        throw new IllegalStateException("InvalidAction " + action + " is not served by FakeRds");
    }
  }

  private Optional<Snapshot> find(String idOrArn) {
    Optional<Snapshot> direct = rds.snapshot(idOrArn);
    if (direct.isPresent()) {
      return direct;
    }
    return rds.snapshots.values().stream()
        .filter(s -> s.arn().equals(idOrArn))
        .findFirst()
        .flatMap(s -> rds.snapshot(s.id()));
  }

  private static RdsPort.ClusterSpec spec(Map<String, String> p) {
    return new RdsPort.ClusterSpec(
        p.get("DBClusterIdentifier"),
        p.get("DBSubnetGroupName"),
        list(p, "VpcSecurityGroupIds.VpcSecurityGroupId."),
        p.get("KmsKeyId"),
        p.get("DBClusterParameterGroupName"),
        Boolean.parseBoolean(p.get("DeletionProtection")),
        tags(p));
  }

  private static ResponseDefinition xml(int status, String body) {
    return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "text/xml")
        .withBody(body)
        .build();
  }

  private static ResponseDefinition ok(String action, String result) {
    return xml(
        200,
        "<"
            + action
            + "Response xmlns=\""
            + NS
            + "\"><"
            + action
            + "Result>"
            + result
            + "</"
            + action
            + "Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></"
            + action
            + "Response>");
  }

  private static String tagList(Map<String, String> tags) {
    StringBuilder x = new StringBuilder("<TagList>");
    tags.forEach(
        (k, v) ->
            x.append("<Tag><Key>")
                .append(esc(k))
                .append("</Key><Value>")
                .append(esc(v))
                .append("</Value></Tag>"));
    return x.append("</TagList>").toString();
  }

  private static String el(String name, Object value) {
    return value == null ? "" : "<" + name + ">" + esc(value.toString()) + "</" + name + ">";
  }

  static String cluster(Cluster c) {
    StringBuilder members = new StringBuilder("<DBClusterMembers>");
    c.members()
        .forEach(
            m ->
                members
                    .append("<DBClusterMember>")
                    .append(el("DBInstanceIdentifier", m))
                    .append("<IsClusterWriter>true</IsClusterWriter></DBClusterMember>"));
    members.append("</DBClusterMembers>");
    return "<DBCluster>"
        + el("DBClusterIdentifier", c.id())
        + el("DBClusterArn", c.arn())
        + el("Status", c.status())
        + el("Engine", c.engine())
        + el("EngineVersion", c.engineVersion())
        + el("Endpoint", c.endpoint())
        + el("Port", c.port())
        + el("DatabaseName", c.databaseName())
        + el("MasterUsername", c.masterUsername())
        + el("DeletionProtection", c.deletionProtection())
        + members
        + tagList(c.tags())
        + "</DBCluster>";
  }

  static String instance(Instance i) {
    return "<DBInstance>"
        + el("DBInstanceIdentifier", i.id())
        + el("DBInstanceArn", i.arn())
        + el("DBClusterIdentifier", i.clusterId())
        + el("DBInstanceStatus", i.status())
        + "</DBInstance>";
  }

  static String snapshot(Snapshot s) {
    return "<DBClusterSnapshot>"
        + el("DBClusterSnapshotIdentifier", s.id())
        + el("DBClusterSnapshotArn", s.arn())
        + el("DBClusterIdentifier", s.clusterId())
        + el("Status", s.status())
        + el("SnapshotType", s.type())
        + el("SnapshotCreateTime", s.created())
        + el("Engine", s.engine())
        + el("EngineVersion", s.engineVersion())
        + el("KmsKeyId", s.kmsKeyId())
        + tagList(s.tags())
        + "</DBClusterSnapshot>";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
