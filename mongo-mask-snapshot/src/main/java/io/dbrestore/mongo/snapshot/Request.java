package io.dbrestore.mongo.snapshot;

import java.util.List;

/**
 * What {@code mongo-mask-snapshot run} was asked to do, validated by {@link RunCommand}.
 *
 * @param runId names and tags what this run creates, so that a re-run adopts it
 * @param sourceVolume the production data volume whose newest snapshot is masked, or null
 * @param sourceTag {@code Key=Value} of the source snapshots, when not by volume
 * @param instanceId the masking instance
 * @param device the device of the data volume on the instance
 * @param kmsKey the key the volumes, and so the masked snapshot, are encrypted with
 * @param volumeType the EBS type of the working volume
 * @param initializationRate provisioned initialization rate of the working volume, or null
 * @param shareWith the development accounts the masked snapshot is shared with
 * @param retention how many masked snapshots of this label to keep
 * @param label names this kind of masked snapshot in its description, for the restore to find
 * @param minCountRatio the sanity check's threshold against the previous masked snapshot
 * @param rulesSha256 the masking rules' digest, tagged on what was masked with them
 * @param rulesVersion the S3 version of the rules object, tagged beside it; null for a file
 * @param publishedDevice the device of the blank volume the copy is masked into (the one published)
 * @param databases the databases the rules declare: the only ones the published copy may hold
 *     beside admin, config and local
 */
public record Request(
    String runId,
    String sourceVolume,
    String sourceTag,
    String instanceId,
    String device,
    String kmsKey,
    String volumeType,
    Integer initializationRate,
    List<String> shareWith,
    int retention,
    String label,
    double minCountRatio,
    String rulesSha256,
    String rulesVersion,
    String publishedDevice,
    List<String> databases) {}
