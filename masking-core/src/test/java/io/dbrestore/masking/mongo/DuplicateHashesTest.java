package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bounded-memory duplicate count agrees with a plain in-memory count, spilled or not. */
class DuplicateHashesTest {
  @Test
  void spilledRuns_countTheSameGroupsAsMemory() {
    Random random = new Random(7);
    for (int runSize : new int[] {16, 64, 1_000, 100_000}) {
      Map<Long, Integer> counts = new HashMap<>();
      try (DuplicateHashes hashes = new DuplicateHashes(runSize)) {
        for (int i = 0; i < 20_000; i++) {
          long h = random.nextInt(15_000) - 7_000L; // duplicates, negatives, many per group
          counts.merge(h, 1, Integer::sum);
          hashes.add(h);
        }
        long expected = counts.values().stream().filter(c -> c > 1).count();
        assertThat(expected).isGreaterThan(100);
        assertThat(hashes.groups()).as("run size %d", runSize).isEqualTo(expected);
      }
    }
  }

  @Test
  void noHashesOrAllDistinct_noGroups() {
    try (DuplicateHashes none = new DuplicateHashes(4)) {
      assertThat(none.groups()).isZero();
    }
    try (DuplicateHashes distinct = new DuplicateHashes(4)) {
      for (long i = 0; i < 100; i++) {
        distinct.add(i * 31);
      }
      assertThat(distinct.groups()).isZero();
    }
  }
}
