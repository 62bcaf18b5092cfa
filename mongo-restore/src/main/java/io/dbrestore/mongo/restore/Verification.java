package io.dbrestore.mongo.restore;

import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.MaskedSnapshotDescription;
import io.dbrestore.mongo.ec2.Mongod;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.error.JobException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of the restored copy: it is what production masked and verified, whole. EC2 tags are
 * not visible to the accounts a snapshot is shared with, so the check rests on what travels with
 * the data (the masking engine's record in each database) and on the snapshot's description (the
 * manifest's digest); the manifest tags are checked too when this account can see them.
 */
final class Verification {
  private static final Logger LOG = LoggerFactory.getLogger(Verification.class);

  private final Snapshot snapshot;
  private final MaskedSnapshotDescription expected;
  private final Optional<Manifest> tagged;

  private Verification(
      Snapshot snapshot, MaskedSnapshotDescription expected, Optional<Manifest> tagged) {
    this.snapshot = snapshot;
    this.expected = expected;
    this.tagged = tagged;
  }

  /**
   * What to verify a copy of {@code snapshot} against, before anything is changed: a snapshot whose
   * description is not a masked snapshot's is refused (exit 3), as are manifest tags that do not
   * read back.
   */
  static Verification of(Snapshot snapshot) {
    MaskedSnapshotDescription expected =
        MaskedSnapshotDescription.parse(snapshot.description())
            .orElseThrow(
                () ->
                    JobException.refused(
                        "not-a-masked-snapshot",
                        "snapshot "
                            + snapshot.id()
                            + " was not made by mongo-mask-snapshot (its description is not a"
                            + " masked snapshot's), so it may hold unmasked data; it is not"
                            + " restored"));
    return new Verification(snapshot, expected, Manifest.fromTags(snapshot.id(), snapshot.tags()));
  }

  /** Where the manifest the copy is checked against comes from, for the result. */
  String manifestSource() {
    return tagged.isPresent() ? "snapshot tags" : "masking records in the copy";
  }

  /**
   * Verifies the copy mongod serves (exit 3 when it is not what production masked) and returns its
   * manifest; a dry run has no copy to read and returns an empty one.
   */
  Manifest verify(MongodSteps mongod) {
    return mongod
        .onCopy(
            "verify the copy: a VERIFIED masking record in every database, the manifest of sha256 "
                + expected.manifestSha16()
                + " (the description of "
                + snapshot.id()
                + "), every collection's count as in it",
            this::check)
        .orElse(new Manifest(Map.of()));
  }

  /**
   * Reads the copy: every database's masking record says verified, the manifest matches the digest
   * in the snapshot's description (and its tags, when this account can see them), and every
   * collection holds exactly the documents the manifest says.
   */
  private Manifest check(Mongod mongod) {
    List<MaskingRecord.Run> records = mongod.maskingRecords();
    if (records.isEmpty()) {
      throw JobException.refused(
          "not-masked",
          "the copy from " + snapshot.id() + " carries no masking record: it was never masked");
    }
    List<String> unverified =
        records.stream()
            .filter(r -> !r.verified())
            .map(r -> r.database() + " " + r.state())
            .toList();
    if (!unverified.isEmpty()) {
      throw JobException.refused(
          "not-verified",
          "the copy from "
              + snapshot.id()
              + " was not verified as masked (databases: "
              + String.join(", ", unverified)
              + ")");
    }
    Map<String, Long> fromRecords = new LinkedHashMap<>();
    records.forEach(r -> fromRecords.putAll(r.manifest()));
    Manifest recorded = new Manifest(fromRecords);
    Manifest manifest = tagged.orElse(recorded);
    if (!manifest.shortSha256().equals(expected.manifestSha16())
        || !recorded.shortSha256().equals(expected.manifestSha16())) {
      throw JobException.refused(
          "manifest-mismatch",
          "the copy's manifest (sha256 "
              + recorded.shortSha256()
              + ") is not the one "
              + snapshot.id()
              + " was made with ("
              + expected.manifestSha16()
              + ")");
    }
    Map<String, Long> actual = mongod.counts();
    List<String> problems = new ArrayList<>();
    manifest
        .counts()
        .forEach(
            (collection, n) -> {
              Long now = actual.get(collection);
              if (now == null ? n != 0 : now.longValue() != n) {
                problems.add(
                    collection + " holds " + (now == null ? "nothing" : now) + ", expected " + n);
              }
            });
    if (!problems.isEmpty()) {
      throw JobException.refused(
          "restore-check-failed",
          "the restored copy does not match its manifest: "
              + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
              + (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more" : ""));
    }
    LOG.info(
        "verified: {} documents in {} collections, as masked in production",
        manifest.documents(),
        manifest.counts().size());
    return manifest;
  }
}
