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
 * Step 3 of the production flow: the copy the first mongod serves (the working volume, only read)
 * is masked into the second mongod (the blank published volume) and verified there; the published
 * copy's users and roles are dropped, the copy proved blank of everything but the masked data, and
 * the published volume tagged masked with the manifest, so that a re-run goes straight on to the
 * snapshot.
 */
final class MaskCopy {
  private static final Logger LOG = LoggerFactory.getLogger(MaskCopy.class);

  /** What a dry run, which does not mask, carries on with: no documents, nothing verified. */
  private static final MaskingResult NOT_MASKED =
      new MaskingResult(List.of(), Map.of(), false, 0, 0, Map.of());

  private final JobContext context;
  private final Ec2Port ec2;
  private final MongodSteps source;
  private final MongodSteps published;
  private final MaskSnapshotWorkflow.Masker masker;
  private final ProveBlank proof;
  private final Request request;

  MaskCopy(
      JobContext context,
      Ec2Port ec2,
      MongodSteps source,
      MongodSteps published,
      MaskSnapshotWorkflow.Masker masker,
      ProveBlank proof,
      Request request) {
    this.context = context;
    this.ec2 = ec2;
    this.source = source;
    this.published = published;
    this.masker = masker;
    this.proof = proof;
    this.request = request;
  }

  /** Whether an earlier attempt of this run finished the copy on this published volume. */
  static boolean isMasked(Volume published) {
    return "true".equals(published.tags().get(Tags.MASKED));
  }

  /** The copy an earlier attempt of this run finished, read from its published volume's tags. */
  MaskedCopy adopt(Volume published) {
    LOG.info("adopting published volume {}: masked, verified and proved already", published.id());
    return new MaskedCopy(
        published.id(),
        published.tags().get(Tags.SOURCE_SNAPSHOT),
        Manifest.fromTags(published.id(), published.tags()).orElseThrow(),
        Map.of());
  }

  /**
   * Masks the copy of {@code sourceSnapshotId} from the working volume into {@code target} (the
   * blank published volume), verifies it, drops its users and roles and proves it; only then tags
   * it masked.
   */
  MaskedCopy run(Volume working, Volume target, String sourceSnapshotId) {
    context.step("mask");
    LOG.info(
        "masking the copy on working volume {} into the blank volume {}",
        working.id(),
        target.id());
    String what =
        "copy the declared databases "
            + request.databases()
            + " from the working volume's mongod into the published volume's, masked with rules "
            + request.rulesSha256().substring(0, 12)
            + ", and verify it (only then is its manifest known: the counts below are"
            + " placeholders)";
    MaskingResult result =
        published
            .onCopy(
                what,
                destination ->
                    source.onCopy(what, s -> masker.mask(context, s, destination)).orElseThrow())
            .orElse(NOT_MASKED);
    if (result != NOT_MASKED) {
      context.metrics().masking(result.documentsMasked(), result.seconds());
      context.metrics().verification(result.verified());
    }
    context.step("drop-users");
    published.dropUsersAndRoles(request.databases());
    context.step("prove-blank");
    proof.volume(target.id());
    proof.copy(published);
    Manifest manifest = new Manifest(result.manifest());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("documentsMasked", result.documentsMasked());
    summary.put("seconds", Math.round(result.seconds() * 10) / 10.0);
    summary.put("verified", result.verified());
    Map<String, String> tags = new LinkedHashMap<>(manifest.toTags());
    tags.put(Tags.MASKED, "true");
    tags.put(Tags.RULES_SHA256, request.rulesSha256());
    if (request.rulesVersion() != null) {
      tags.put(Tags.RULES_VERSION, request.rulesVersion());
    }
    tags.put(Tags.SOURCE_SNAPSHOT, sourceSnapshotId);
    ec2.tag(target.id(), tags);
    return new MaskedCopy(target.id(), sourceSnapshotId, manifest, summary);
  }
}
