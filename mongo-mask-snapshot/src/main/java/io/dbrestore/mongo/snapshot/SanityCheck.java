package io.dbrestore.mongo.snapshot;

import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.error.JobException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before masking: is this copy plausibly whole? Every collection the previous masked snapshot held
 * documents in must exist and hold at least {@code minRatio} of them, and the copy must not be
 * empty. An empty or half-restored copy must never become tomorrow's development data (exit 3).
 */
final class SanityCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SanityCheck.class);

  private SanityCheck() {}

  static void check(
      Map<String, Long> current, Optional<Manifest> previous, String previousId, double minRatio) {
    List<String> problems = new ArrayList<>();
    long total = current.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      problems.add("the copy holds no documents at all");
    }
    if (previous.isEmpty()) {
      LOG.warn(
          "no earlier masked snapshot to compare with (first run?): only checked that the copy is"
              + " not empty ({} documents in {} collections)",
          total,
          current.size());
    } else {
      for (Map.Entry<String, Long> e : previous.get().counts().entrySet()) {
        long before = e.getValue();
        if (before == 0) {
          continue;
        }
        Long now = current.get(e.getKey());
        if (now == null) {
          problems.add(e.getKey() + " is missing (" + before + " documents in " + previousId + ")");
        } else if (now < Math.ceil(before * minRatio)) {
          problems.add(
              e.getKey() + " holds " + now + " documents, " + before + " in " + previousId);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw JobException.refused(
          "sanity-check-failed",
          "the restored copy does not look whole, so it is not masked or published: "
              + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
              + (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more" : "")
              + " (--min-count-ratio "
              + minRatio
              + "); check the source snapshot, then re-run");
    }
  }
}
