package io.dbrestore.mongo.restore;

import java.time.Duration;

/**
 * What {@code mongo-restore run} was asked to do, validated by {@link RunCommand}.
 *
 * @param runId names and tags what this run creates, so that a re-run adopts it
 * @param instanceId the development MongoDB instance
 * @param device the device of its data volume
 * @param snapshotId the masked snapshot to restore, or null for the newest shared one
 * @param sourceAccount the production account that shares the masked snapshots (when not named)
 * @param maxAge how old the newest masked snapshot may be (when not named)
 * @param label which kind of masked snapshot ({@code mongo-mask-snapshot --label})
 * @param kmsKey the key the new volume is encrypted with (required for another account's snapshot)
 * @param volumeType the EBS type of the new volume
 * @param initializationRate provisioned initialization rate of the new volume, or null
 * @param waitForSnapshot how long to wait for a masked snapshot younger than maxAge
 */
public record Request(
    String runId,
    String instanceId,
    String device,
    String snapshotId,
    String sourceAccount,
    Duration maxAge,
    String label,
    String kmsKey,
    String volumeType,
    Integer initializationRate,
    Duration waitForSnapshot) {}
