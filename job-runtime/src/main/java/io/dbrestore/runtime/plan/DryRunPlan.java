package io.dbrestore.runtime.plan;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a dry run writes its plan (stdout), one line per change the job would make, in the same
 * words for every job: {@code [dry-run] would call rds:DeleteDBCluster DBClusterIdentifier=…} for
 * an AWS (or Atlas) call with its parameters, {@code [dry-run] would <what>} for anything else. The
 * dry-run overlays of the jobs' ports print through it.
 */
public final class DryRunPlan {
  /** What every line of the plan starts with. */
  public static final String PREFIX = "[dry-run] ";

  private final PrintWriter out;

  public DryRunPlan(PrintWriter out) {
    this.out = out;
  }

  /**
   * One call with its parameters in name order; null and empty values are left out.
   *
   * @param call {@code service:Action}, e.g. {@code rds:DeleteDBCluster}
   */
  public void call(String call, Map<String, ?> parameters) {
    StringBuilder line = new StringBuilder(PREFIX).append("would call ").append(call);
    new TreeMap<>(parameters)
        .forEach(
            (k, v) -> {
              if (v != null && !(v instanceof Collection<?> c && c.isEmpty())) {
                line.append(' ').append(k).append('=').append(v);
              }
            });
    line(line.toString());
  }

  /** One call described in words: {@code would call ec2:StopInstances to stop …}. */
  public void call(String call, String what) {
    line(PREFIX + "would call " + call + " to " + what);
  }

  /** A step that is not a call: {@code would mask … and verify it}. */
  public void step(String what) {
    line(PREFIX + "would " + what);
  }

  /** A line of the plan as it is (it should start with {@link #PREFIX}). */
  public void line(String text) {
    out.println(text);
    out.flush();
  }

  /** Parameters in the order given: {@code params("DBClusterIdentifier", id, …)}. */
  public static Map<String, Object> params(Object... pairs) {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException("params come in name-value pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
