package io.dbrestore.mongo.snapshot;

import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3 of the production flow: the copy that mongod serves is masked and verified, and its
 * working volume tagged masked with the manifest, so that a re-run goes straight on to the
 * snapshot.
 */
final class MaskCopy {
  private static final Logger LOG = LoggerFactory.getLogger(MaskCopy.class);

  /** What a dry run, which does not mask, carries on with: no documents, nothing verified. */
  private static final MaskingResult NOT_MASKED =
      new MaskingResult(List.of(), Map.of(), false, 0, 0, Map.of());

  private final JobContext context;
  private final Ec2Port ec2;
  private final MongodSteps mongod;
  private final MaskSnapshotWorkflow.Masker masker;
  private final Request request;

  MaskCopy(
      JobContext context,
      Ec2Port ec2,
      MongodSteps mongod,
      MaskSnapshotWorkflow.Masker masker,
      Request request) {
    this.context = context;
    this.ec2 = ec2;
    this.mongod = mongod;
    this.masker = masker;
    this.request = request;
  }

  /** Whether an earlier attempt of this run masked and verified the copy on this volume. */
  static boolean isMasked(Volume working) {
    return "true".equals(working.tags().get(Tags.MASKED));
  }

  /** The copy an earlier attempt of this run masked, read from its working volume's tags. */
  MaskedCopy adopt(Volume working) {
    LOG.info("adopting working volume {}: masked and verified already", working.id());
    return new MaskedCopy(
        working.id(),
        working.snapshotId(),
        Manifest.fromTags(working.id(), working.tags()).orElseThrow(),
        Map.of());
  }

  /** Masks and verifies the copy of {@code sourceSnapshotId} on {@code working}. */
  MaskedCopy run(Volume working, String sourceSnapshotId) {
    context.step("mask");
    LOG.info("masking the copy on working volume {}", working.id());
    MaskingResult result =
        mongod
            .onCopy(
                "mask the copy with rules "
                    + request.rulesSha256().substring(0, 12)
                    + " and verify it (only then is its manifest known: the counts below are"
                    + " placeholders)",
                m -> masker.mask(context, m))
            .orElse(NOT_MASKED);
    Manifest manifest = new Manifest(result.manifest());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("documentsMasked", result.documentsMasked());
    summary.put("seconds", Math.round(result.seconds() * 10) / 10.0);
    summary.put("verified", result.verified());
    Map<String, String> tags = new LinkedHashMap<>(manifest.toTags());
    tags.put(Tags.MASKED, "true");
    tags.put(Tags.RULES_SHA256, request.rulesSha256());
    ec2.tag(working.id(), tags);
    return new MaskedCopy(working.id(), sourceSnapshotId, manifest, summary);
  }
}
