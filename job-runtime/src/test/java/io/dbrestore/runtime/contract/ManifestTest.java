package io.dbrestore.runtime.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
  static Manifest of(int collections) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < collections; i++) {
      counts.put("app_database.some_collection_name_" + i, 1_000_000L + i * 7919L);
    }
    return new Manifest(counts);
  }

  @Test
  void nineHundredCollections_fitInTagsWithinEc2Limits_andRoundTrip() {
    Manifest m = of(900);

    Map<String, String> tags = m.toTags();

    assertThat(tags.size()).isLessThanOrEqualTo(Manifest.MAX_PARTS + 2);
    assertThat(tags.values()).allSatisfy(v -> assertThat(v.length()).isLessThanOrEqualTo(256));
    assertThat(tags.keySet()).allSatisfy(k -> assertThat(k.length()).isLessThanOrEqualTo(128));
    assertThat(tags.values()).allSatisfy(v -> assertThat(v).matches("[A-Za-z0-9 +\\-=._:/@]*"));
    assertThat(Manifest.fromTags("snap-1", tags)).contains(m);
  }

  @Test
  void sameCounts_sameDigestWhateverTheOrder() {
    Map<String, Long> a = new LinkedHashMap<>();
    a.put("b.x", 2L);
    a.put("a.y", 1L);
    Map<String, Long> b = new HashMap<>(Map.of("a.y", 1L, "b.x", 2L));

    assertThat(new Manifest(a).sha256()).isEqualTo(new Manifest(b).sha256());
    assertThat(new Manifest(a).canonicalJson()).isEqualTo("{\"a.y\":1,\"b.x\":2}");
    assertThat(new Manifest(a).shortSha256()).hasSize(16);
  }

  @Test
  void noManifestTags_isEmpty() {
    assertThat(Manifest.fromTags("snap-1", Map.of("Name", "x"))).isEmpty();
  }

  @Test
  void missingOrEditedPiece_isRefused() {
    Map<String, String> tags = new LinkedHashMap<>(of(900).toTags());
    tags.remove(Manifest.PART_TAG_PREFIX + "2");

    assertThatThrownBy(() -> Manifest.fromTags("snap-1", tags))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("piece 2");

    Map<String, String> other = new LinkedHashMap<>(of(3).toTags());
    other.put(Manifest.SHA256_TAG, "0".repeat(64));
    assertThatThrownBy(() -> Manifest.fromTags("snap-1", other))
        .hasMessageContaining("do not match");
  }

  @Test
  void tooManyCollections_isAClearFault() {
    Map<String, Long> counts = new LinkedHashMap<>();
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < 20_000; i++) {
      counts.put("db.c" + Long.toHexString(r.nextLong()), r.nextLong() & 0xffffffffL);
    }

    assertThatThrownBy(() -> new Manifest(counts).toTags())
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("manifest-too-large"));
  }
}
