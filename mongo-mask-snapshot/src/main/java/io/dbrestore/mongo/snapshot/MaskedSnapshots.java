package io.dbrestore.mongo.snapshot;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.Ec2Port.SnapshotQuery;
import io.dbrestore.runtime.contract.Tags;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The masked snapshots this job has made, found by their tags. */
final class MaskedSnapshots {
  private final Ec2Port ec2;
  private final Request request;

  MaskedSnapshots(Ec2Port ec2, Request request) {
    this.ec2 = ec2;
    this.request = request;
  }

  /** The one this run made, if a first attempt got that far (not one that failed). */
  Optional<Snapshot> ofThisRun() {
    return ec2
        .findSnapshots(
            SnapshotQuery.ownedBySelf()
                .withTags(
                    Tags.ofRun(
                        MaskSnapshotWorkflow.JOB, request.runId(), Tags.ROLE_MASKED_SNAPSHOT)))
        .stream()
        .filter(s -> !s.state().equals("error"))
        .findFirst();
  }

  /** The newest of an earlier run: the sanity check compares the copy with its manifest. */
  Optional<Snapshot> previous() {
    return ofLabel().stream()
        .filter(s -> !request.runId().equals(s.tags().get(Tags.RUN_ID)))
        .max(Comparator.comparing(Snapshot::startTime));
  }

  /** The completed ones of this label, made by any run of this job. */
  List<Snapshot> ofLabel() {
    Map<String, String> tags =
        new LinkedHashMap<>(Tags.ofJob(MaskSnapshotWorkflow.JOB, Tags.ROLE_MASKED_SNAPSHOT));
    tags.put(Tags.LABEL, request.label());
    return ec2.findSnapshots(SnapshotQuery.ownedBySelf().withTags(tags)).stream()
        .filter(s -> s.state().equals("completed"))
        .toList();
  }
}
