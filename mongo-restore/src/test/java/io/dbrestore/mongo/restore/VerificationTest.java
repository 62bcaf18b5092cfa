package io.dbrestore.mongo.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.mongo.ec2.DryRunMongod;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.MaskedSnapshotDescription;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.error.JobException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a restored copy is verified against; the checks of the copy itself run in the workflow. */
class VerificationTest {
  static final Manifest MANIFEST = new Manifest(Map.of("shop.customers", 30L, "shop.orders", 60L));

  static Snapshot snapshot(String description, Map<String, String> tags) {
    return new Snapshot(
        "snap-0123456789abcdef0",
        "completed",
        "100%",
        "vol-0123456789abcdef0",
        "999999999999",
        Instant.parse("2026-03-01T02:00:00Z"),
        description,
        tags,
        null);
  }

  static String description() {
    return MaskedSnapshotDescription.of("main", "prod-run", "snap-0aaaaaaaaaaaaaaa0", MANIFEST)
        .text();
  }

  @Test
  void of_whenTheDescriptionIsNotAMaskedSnapshots_refusesBeforeAnythingChanges() {
    assertThatThrownBy(() -> Verification.of(snapshot("Created by AWS Backup", Map.of())))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("not-a-masked-snapshot"))
        .hasMessageContaining("may hold unmasked data");
  }

  @Test
  void manifestSource_whenTheTagsAreVisible_isTheSnapshotTags() {
    assertThat(Verification.of(snapshot(description(), MANIFEST.toTags())).manifestSource())
        .isEqualTo("snapshot tags");
    assertThat(Verification.of(snapshot(description(), Map.of())).manifestSource())
        .isEqualTo("masking records in the copy");
  }

  @Test
  void verify_whenDryRun_printsTheCheckAndReadsNothing() {
    StringWriter plan = new StringWriter();

    Manifest manifest =
        Verification.of(snapshot(description(), Map.of()))
            .verify(new DryRunMongod("10.1.1.5:27017", new PrintWriter(plan)));

    assertThat(manifest.counts()).isEmpty();
    assertThat(plan.toString().lines())
        .containsExactly(
            "[dry-run] would verify the copy: a VERIFIED masking record in every database, the"
                + " manifest of sha256 17e438ada5a406b0 (the description of"
                + " snap-0123456789abcdef0), every collection's count as in it");
  }
}
