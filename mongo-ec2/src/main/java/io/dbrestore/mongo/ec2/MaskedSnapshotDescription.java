package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.contract.Manifest;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The description of a masked EBS snapshot, written by {@code mongo-mask-snapshot} and read by
 * {@code mongo-restore}. Unlike tags, a snapshot's description is visible in the accounts it is
 * shared with, so it is how development finds tonight's snapshot (by its prefix) and what it checks
 * the restored copy against (the manifest's digest):
 *
 * <pre>dbrestore masked mongodb main; run night-1; source snap-…; 7 documents in 2 collections;
 * manifest sha256 0123456789abcdef</pre>
 *
 * @param label the kind of masked snapshot ({@code --label})
 * @param runId the run that made it
 * @param source the production snapshot it was made from
 * @param documents documents in the manifest
 * @param collections collections in the manifest
 * @param manifestSha16 the first 16 hex digits of the manifest's SHA-256
 */
public record MaskedSnapshotDescription(
    String label,
    String runId,
    String source,
    long documents,
    int collections,
    String manifestSha16) {

  private static final Pattern FORMAT =
      Pattern.compile(
          "dbrestore masked mongodb (\\S+); run (\\S+); source (\\S+); (\\d+) documents in (\\d+)"
              + " collections; manifest sha256 ([0-9a-f]{16})");

  /** The description of a masked snapshot of {@code manifest}. */
  public static MaskedSnapshotDescription of(
      String label, String runId, String source, Manifest manifest) {
    return new MaskedSnapshotDescription(
        label,
        runId,
        source,
        manifest.documents(),
        manifest.counts().size(),
        manifest.shortSha256());
  }

  /** What every description of this label starts with: restores search for it. */
  public static String prefix(String label) {
    return "dbrestore masked mongodb " + label + ";";
  }

  /** The text stored as the snapshot's description. */
  public String text() {
    return prefix(label)
        + " run "
        + runId
        + "; source "
        + source
        + "; "
        + documents
        + " documents in "
        + collections
        + " collections; manifest sha256 "
        + manifestSha16;
  }

  /** Reads a description back; empty when it is not a masked snapshot's. */
  public static Optional<MaskedSnapshotDescription> parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new MaskedSnapshotDescription(
              m.group(1),
              m.group(2),
              m.group(3),
              Long.parseLong(m.group(4)),
              Integer.parseInt(m.group(5)),
              m.group(6)));
    } catch (NumberFormatException e) {
      return Optional.empty(); // counts no manifest can have: not ours
    }
  }

  @Override
  public String toString() {
    return text();
  }
}
