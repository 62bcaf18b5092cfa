package io.dbrestore.mongo.snapshot;

import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import java.util.Map;

/**
 * The masked copy a run publishes.
 *
 * @param volumeId the published volume that holds it; null once it is in this run's snapshot
 * @param sourceSnapshotId the production snapshot it was restored from
 * @param manifest what it holds after masking
 * @param masking the masking run's summary (documents masked, seconds, verified); empty when an
 *     earlier attempt of this run masked it
 */
record MaskedCopy(
    String volumeId, String sourceSnapshotId, Manifest manifest, Map<String, Object> masking) {

  /** The copy in the masked snapshot an earlier attempt of this run made, read from its tags. */
  static MaskedCopy of(Snapshot masked) {
    return new MaskedCopy(
        null,
        masked.tags().get(Tags.SOURCE_SNAPSHOT),
        Manifest.fromTags(masked.id(), masked.tags()).orElseThrow(),
        Map.of());
  }
}
