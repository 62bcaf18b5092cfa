package io.dbrestore.mongo.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.mongo.ec2.Ec2Port.NewVolume;
import io.dbrestore.mongo.ec2.Ec2Port.SnapshotQuery;
import io.dbrestore.mongo.ec2.testing.FakeEc2;
import io.dbrestore.runtime.contract.Tags;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dry-run overlay over the stateful fake: reads pass through, changes are printed and kept. */
class DryRunEc2Test {
  static final String ACCOUNT = "111111111111";
  static final String INSTANCE = "i-0aaaaaaaaaaaaaaaa";
  static final Instant NOW = Instant.parse("2026-03-01T06:00:00Z");

  FakeEc2 real;
  StringWriter plan;
  DryRunEc2 ec2;
  String attached;
  String snapshot;

  @BeforeEach
  void world() {
    real = new FakeEc2(ACCOUNT);
    real.addInstance(INSTANCE, "eu-west-1a", "running", Map.of(Tags.MANAGED, "true"));
    attached =
        real.addVolume(
            "eu-west-1a", Map.of(Tags.MANAGED, "true"), FakeEc2.Data.EMPTY, INSTANCE, "/dev/sdf");
    snapshot =
        real.addSnapshot(
            attached, ACCOUNT, NOW.minusSeconds(3600), "backup", Map.of(), FakeEc2.Data.EMPTY);
    plan = new StringWriter();
    ec2 = new DryRunEc2(real, new PrintWriter(plan), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void createVolume_whenDryRun_printsTheCallAndTheVolumeIsAvailableAtOnce() {
    Ec2Port.Volume v =
        ec2.createVolume(
            new NewVolume(
                snapshot,
                "eu-west-1a",
                "arn:aws:kms:eu-west-1:111111111111:key/k",
                "gp3",
                200,
                Map.of(Tags.MANAGED, "true", Tags.RUN_ID, "run-1"),
                "token",
                null));

    assertThat(plan.toString().lines())
        .containsExactly(
            "[dry-run] would call ec2:CreateVolume to create a gp3 volume from "
                + snapshot
                + " in eu-west-1a, encrypted with arn:aws:kms:eu-west-1:111111111111:key/k,"
                + " initialization rate 200 MiB/s");
    assertThat(v.id()).isEqualTo("vol-0dd00000000000001");
    assertThat(ec2.describeVolume(v.id())).map(Ec2Port.Volume::state).contains("available");
    assertThat(ec2.findVolumes(Map.of(Tags.RUN_ID, "run-1")))
        .extracting(Ec2Port.Volume::id)
        .containsExactly(v.id());
    assertThat(ec2.tags(v.id())).containsEntry(Tags.MANAGED, "true");
    assertThat(real.mutatingCalls()).isEmpty();
    assertThat(real.volumeIds()).containsExactly(attached);
  }

  @Test
  void createBlankVolume_whenDryRun_printsItBlankWithItsSize() {
    Ec2Port.Volume v =
        ec2.createVolume(
            new NewVolume(
                null,
                "eu-west-1a",
                "arn:aws:kms:eu-west-1:111111111111:key/k",
                "gp3",
                null,
                Map.of(Tags.MANAGED, "true"),
                "token",
                120));

    assertThat(plan.toString().lines())
        .containsExactly(
            "[dry-run] would call ec2:CreateVolume to create a gp3 blank volume of 120 GiB in"
                + " eu-west-1a, encrypted with arn:aws:kms:eu-west-1:111111111111:key/k");
    assertThat(v.snapshotId()).isNull();
    assertThat(v.sizeGiB()).isEqualTo(120);
    assertThat(real.mutatingCalls()).isEmpty();
  }

  @Test
  void swap_whenDryRun_changesTheInstanceAndVolumesOnlyInTheOverlay() {
    Ec2Port.Volume made =
        ec2.createVolume(
            new NewVolume(snapshot, "eu-west-1a", null, "gp3", null, Map.of(), "token", null));

    ec2.stopInstance(INSTANCE);
    ec2.detachVolume(attached, INSTANCE, "/dev/sdf");
    ec2.attachVolume(made.id(), INSTANCE, "/dev/sdf");
    ec2.startInstance(INSTANCE);
    ec2.deleteVolume(attached);

    assertThat(plan.toString().lines())
        .containsExactly(
            "[dry-run] would call ec2:CreateVolume to create a gp3 volume from "
                + snapshot
                + " in eu-west-1a",
            "[dry-run] would call ec2:StopInstances to stop ec2 instance " + INSTANCE,
            "[dry-run] would call ec2:DetachVolume to detach ec2 volume "
                + attached
                + " from "
                + INSTANCE
                + " at /dev/sdf",
            "[dry-run] would call ec2:AttachVolume to attach ec2 volume "
                + made.id()
                + " to "
                + INSTANCE
                + " at /dev/sdf",
            "[dry-run] would call ec2:StartInstances to start ec2 instance " + INSTANCE,
            "[dry-run] would call ec2:DeleteVolume to delete ec2 volume " + attached);
    Ec2Port.Instance i = ec2.describeInstance(INSTANCE).orElseThrow();
    assertThat(i.state()).isEqualTo("running");
    assertThat(i.volumeAt("/dev/sdf")).contains(made.id());
    assertThat(ec2.instanceStatus(INSTANCE)).map(Ec2Port.StatusChecks::passed).contains(true);
    assertThat(ec2.describeVolume(made.id()).flatMap(Ec2Port.Volume::attachment))
        .map(Ec2Port.Attachment::state)
        .contains("attached");
    assertThat(ec2.describeVolume(attached)).isEmpty();
    assertThat(real.mutatingCalls()).isEmpty();
    assertThat(real.volumeAt(INSTANCE, "/dev/sdf")).contains(attached);
  }

  @Test
  void detach_fromAnInstanceTheDryRunHasNotChanged_readsItOnce() {
    ec2.detachVolume(attached, INSTANCE, "/dev/sdf");

    assertThat(real.calls())
        .containsExactly(
            new FakeEc2.Call("DescribeVolumes", attached, false),
            new FakeEc2.Call("DescribeInstances", INSTANCE, false));
    assertThat(ec2.describeInstance(INSTANCE).orElseThrow().volumeAt("/dev/sdf")).isEmpty();
  }

  @Test
  void tags_ofARealResource_areReadFreshWithWhatTheDryRunAdded() {
    ec2.stopInstance(INSTANCE);
    ec2.detachVolume(attached, INSTANCE, "/dev/sdf");

    ec2.tag(attached, Map.of(Tags.MASKED, "true"));

    assertThat(ec2.tags(attached))
        .containsEntry(Tags.MANAGED, "true")
        .containsEntry(Tags.MASKED, "true");
    assertThat(plan.toString().lines())
        .containsExactly(
            "[dry-run] would call ec2:StopInstances to stop ec2 instance " + INSTANCE,
            "[dry-run] would call ec2:DetachVolume to detach ec2 volume "
                + attached
                + " from "
                + INSTANCE
                + " at /dev/sdf",
            "[dry-run] would call ec2:CreateTags to tag "
                + attached
                + " with {dbrestore:masked=true}");
    assertThat(real.volumeTags(attached)).doesNotContainKey(Tags.MASKED);
  }

  @Test
  void createSnapshot_whenDryRun_isCompletedFoundByItsTagsSharedAndDeletable() {
    Ec2Port.Snapshot s =
        ec2.createSnapshot(
            attached, "dbrestore masked mongodb main; run run-1", Map.of(Tags.LABEL, "main"));
    ec2.shareSnapshot(s.id(), List.of("222222222222"));

    assertThat(s.state()).isEqualTo("completed");
    assertThat(ec2.describeSnapshot(s.id())).isPresent();
    assertThat(ec2.findSnapshots(SnapshotQuery.ownedBySelf().withTags(Map.of(Tags.LABEL, "main"))))
        .extracting(Ec2Port.Snapshot::id)
        .containsExactly(s.id());
    assertThat(
            ec2.findSnapshots(
                SnapshotQuery.ownedBySelf().withDescription("dbrestore masked mongodb main;*")))
        .extracting(Ec2Port.Snapshot::id)
        .containsExactly(s.id());
    assertThat(ec2.sharedWith(s.id())).containsExactly("222222222222");
    assertThat(plan.toString().lines())
        .containsExactly(
            "[dry-run] would call ec2:CreateSnapshot to snapshot ec2 volume "
                + attached
                + ", described as 'dbrestore masked mongodb main; run run-1'",
            "[dry-run] would call ec2:ModifySnapshotAttribute to share the snapshot with"
                + " [222222222222] ("
                + s.id()
                + ")");

    ec2.deleteSnapshot(s.id());

    assertThat(ec2.describeSnapshot(s.id())).isEmpty();
    assertThat(plan.toString().lines())
        .last()
        .isEqualTo("[dry-run] would call ec2:DeleteSnapshot to delete ebs snapshot " + s.id());
    assertThat(real.mutatingCalls()).isEmpty();
  }

  @Test
  void reads_ofWhatTheDryRunDidNotTouch_goToTheRealPort() {
    assertThat(ec2.describeInstance(INSTANCE).map(Ec2Port.Instance::state)).contains("running");
    assertThat(ec2.describeSnapshot(snapshot)).isPresent();
    assertThat(ec2.describeVolume("vol-0000000000000dead")).isEqualTo(Optional.empty());

    assertThat(real.calls()).isNotEmpty().noneMatch(FakeEc2.Call::mutating);
    assertThat(plan.toString()).isEmpty();
  }
}
