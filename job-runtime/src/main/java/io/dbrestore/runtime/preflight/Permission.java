package io.dbrestore.runtime.preflight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One IAM action a command calls, on the resource it calls it on ({@code *} where the action has no
 * resource or the resource is not known before the run), with the condition keys the request
 * carries (the resource's tags, the tags a create puts on, the KMS key's service): what {@code
 * iam:SimulatePrincipalPolicy} evaluates.
 */
public record Permission(String action, String resource, Map<String, List<String>> context) {
  public Permission {
    Objects.requireNonNull(action);
    Objects.requireNonNull(resource);
    context = Map.copyOf(context);
  }

  public static Permission of(String action, String resource) {
    return new Permission(action, resource, Map.of());
  }

  /** The same permission with one more condition key. */
  public Permission with(String key, String... values) {
    Map<String, List<String>> c = new TreeMap<>(context);
    c.put(key, List.of(values));
    return new Permission(action, resource, c);
  }

  /**
   * On a resource that carries these tags ({@code aws:ResourceTag/<key>}, and the service's own
   * spelling for EC2).
   */
  public Permission onTagged(Map<String, String> tags) {
    Permission p = this;
    for (Map.Entry<String, String> e : new TreeMap<>(tags).entrySet()) {
      p = p.with("aws:ResourceTag/" + e.getKey(), e.getValue());
      if (action.startsWith("ec2:")) {
        p = p.with("ec2:ResourceTag/" + e.getKey(), e.getValue());
      }
    }
    return p;
  }

  /** A request that puts these tags on ({@code aws:RequestTag/<key>}, {@code aws:TagKeys}). */
  public Permission tagging(Map<String, String> tags) {
    Permission p = this;
    Map<String, String> sorted = new TreeMap<>(tags);
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      p = p.with("aws:RequestTag/" + e.getKey(), e.getValue());
    }
    return p.with("aws:TagKeys", new ArrayList<>(sorted.keySet()).toArray(new String[0]));
  }

  /** The service's name, {@code rds} of {@code rds:DeleteDBCluster}. */
  public String service() {
    return action.substring(0, action.indexOf(':'));
  }

  /** The service-side context a KMS call made on the caller's behalf carries. */
  public Permission viaService(String service, String region) {
    return with("kms:ViaService", service + "." + region + ".amazonaws.com");
  }

  /** For messages: {@code rds:DeleteDBCluster on arn:…}. */
  @Override
  public String toString() {
    return action + " on " + resource;
  }

  /** Distinct, in order. */
  public static List<Permission> distinct(List<Permission> all) {
    return List.copyOf(new LinkedHashMap<>(toMap(all)).values());
  }

  private static Map<String, Permission> toMap(List<Permission> all) {
    Map<String, Permission> m = new LinkedHashMap<>();
    for (Permission p : all) {
      m.putIfAbsent(p.action + " " + p.resource + " " + new TreeMap<>(p.context), p);
    }
    return m;
  }
}
