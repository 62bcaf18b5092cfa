package io.dbrestore.aurora.flow;

import io.dbrestore.runtime.error.JobException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How dbrestore names what it creates in RDS. Identifiers are 1–63 letters, digits and hyphens,
 * start with a letter, have no two hyphens in a row and do not end with one.
 */
public final class Names {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z](?:-?[a-z0-9])*");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

  private Names() {}

  /** Checks a user-given cluster identifier up front (exit 2). */
  public static String clusterId(String option, String value) {
    if (value == null || value.length() > 63 || !IDENTIFIER.matcher(value).matches()) {
      throw JobException.invalidInput(
          option
              + " '"
              + value
              + "' is not an RDS cluster identifier: 1-63 lower-case letters, digits and single"
              + " hyphens, starting with a letter");
    }
    return value;
  }

  /** The replacement cluster restored next to a target: {@code <target>-next}. */
  public static String next(String target) {
    return fit(target, "-next");
  }

  /** Where an old target is renamed to while its replacement takes its name. */
  public static String old(String target) {
    return fit(target, "-old");
  }

  /** The production cluster masked for this run: {@code dbrestore-mask-<source>-<hash>}. */
  public static String maskingCluster(String source, String runId) {
    return fit("dbrestore-mask-" + source, "-" + shortHash(runId));
  }

  /** The n-th (1-based) instance of a cluster dbrestore creates. */
  public static String instance(String cluster, int n) {
    return fit(cluster, "-" + n);
  }

  /**
   * A masked snapshot: {@code <prefix>-<source>-<yyyyMMdd-HHmm>-<hash of the run>}, so the
   * development account can find the newest of a source by name, and a re-run finds its own.
   */
  public static String maskedSnapshot(String prefix, String source, Instant at, String runId) {
    return prefix + "-" + source + "-" + STAMP.format(at) + "-" + shortHash(runId);
  }

  /** Matches exactly the masked snapshots {@link #maskedSnapshot} names for this source. */
  public static Pattern maskedSnapshotPattern(String prefix, String source) {
    return Pattern.compile(
        Pattern.quote(prefix + "-" + source + "-") + "\\d{8}-\\d{4}-[0-9a-f]{6}");
  }

  /** Instance renamed along with its cluster: the cluster's name replaces its prefix. */
  public static String renamedInstance(String instance, String fromCluster, String toCluster) {
    if (instance.matches(Pattern.quote(toCluster) + "-\\d+")) {
      return instance; // renamed already
    }
    if (instance.startsWith(fromCluster + "-")) {
      return fit(toCluster, instance.substring(fromCluster.length()));
    }
    // Named by someone else: an old target's instance is marked, a new one's is left as it is.
    return toCluster.endsWith("-old") && !instance.endsWith("-old")
        ? fit(instance, "-old")
        : instance;
  }

  static String shortHash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code base + suffix}, cutting the base so that the whole fits 63 characters. */
  static String fit(String base, String suffix) {
    int room = 63 - suffix.length();
    String b = base.length() > room ? base.substring(0, room) : base;
    b = b.replaceAll("-+$", "");
    return b + suffix;
  }
}
