package io.dbrestore.mongo.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.contract.Manifest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskedSnapshotDescriptionTest {
  static final Manifest MANIFEST = new Manifest(Map.of("shop.customers", 5L, "shop.orders", 2L));

  @Test
  void text_whenWritten_isTheDocumentedFormat() {
    String text =
        MaskedSnapshotDescription.of("main", "night-1", "snap-0123456789abcdef0", MANIFEST).text();

    // The format restores in the development account parse: written out, not derived.
    assertThat(text)
        .isEqualTo(
            "dbrestore masked mongodb main; run night-1; source snap-0123456789abcdef0; 7"
                + " documents in 2 collections; manifest sha256 4b6bb9ce233e767a");
    assertThat(MaskedSnapshotDescription.prefix("main"))
        .isEqualTo("dbrestore masked mongodb main;");
  }

  @Test
  void parse_ofTheDocumentedFormat_readsEveryField() {
    assertThat(
            MaskedSnapshotDescription.parse(
                "dbrestore masked mongodb main; run night-1; source snap-0123456789abcdef0; 7"
                    + " documents in 2 collections; manifest sha256 4b6bb9ce233e767a"))
        .contains(
            new MaskedSnapshotDescription(
                "main", "night-1", "snap-0123456789abcdef0", 7, 2, "4b6bb9ce233e767a"));
  }

  @Test
  void parse_whenWrittenByOf_readsEveryField() {
    MaskedSnapshotDescription written =
        MaskedSnapshotDescription.of("orders-db", "night-2", "snap-1", MANIFEST);

    assertThat(MaskedSnapshotDescription.parse(written.text())).contains(written);
  }

  @Test
  void parse_whenNotAMaskedSnapshot_isEmpty() {
    assertThat(MaskedSnapshotDescription.parse(null)).isEmpty();
    assertThat(MaskedSnapshotDescription.parse("Created by AWS Backup")).isEmpty();
    assertThat(
            MaskedSnapshotDescription.parse(
                "dbrestore masked mongodb main; run r; source s; 99999999999999999999 documents"
                    + " in 1 collections; manifest sha256 0123456789abcdef"))
        .isEmpty();
  }
}
