package io.dbrestore.mongo.ec2.testing;

import io.dbrestore.mongo.ec2.Ec2Port;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An {@link Ec2Port} that forwards every call; tests override the one they bend. */
public class ForwardingEc2 implements Ec2Port {
  private final Ec2Port delegate;

  public ForwardingEc2(Ec2Port delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<Instance> describeInstance(String instanceId) {
    return delegate.describeInstance(instanceId);
  }

  @Override
  public Optional<StatusChecks> instanceStatus(String instanceId) {
    return delegate.instanceStatus(instanceId);
  }

  @Override
  public void stopInstance(String instanceId) {
    delegate.stopInstance(instanceId);
  }

  @Override
  public void startInstance(String instanceId) {
    delegate.startInstance(instanceId);
  }

  @Override
  public Optional<Volume> describeVolume(String volumeId) {
    return delegate.describeVolume(volumeId);
  }

  @Override
  public List<Volume> findVolumes(Map<String, String> tags) {
    return delegate.findVolumes(tags);
  }

  @Override
  public Volume createVolume(NewVolume spec) {
    return delegate.createVolume(spec);
  }

  @Override
  public void attachVolume(String volumeId, String instanceId, String device) {
    delegate.attachVolume(volumeId, instanceId, device);
  }

  @Override
  public void detachVolume(String volumeId, String instanceId, String device) {
    delegate.detachVolume(volumeId, instanceId, device);
  }

  @Override
  public void deleteVolume(String volumeId) {
    delegate.deleteVolume(volumeId);
  }

  @Override
  public List<Snapshot> findSnapshots(SnapshotQuery query) {
    return delegate.findSnapshots(query);
  }

  @Override
  public Optional<Snapshot> describeSnapshot(String snapshotId) {
    return delegate.describeSnapshot(snapshotId);
  }

  @Override
  public Snapshot createSnapshot(String volumeId, String description, Map<String, String> tags) {
    return delegate.createSnapshot(volumeId, description, tags);
  }

  @Override
  public void shareSnapshot(String snapshotId, List<String> accounts) {
    delegate.shareSnapshot(snapshotId, accounts);
  }

  @Override
  public Set<String> sharedWith(String snapshotId) {
    return delegate.sharedWith(snapshotId);
  }

  @Override
  public void deleteSnapshot(String snapshotId) {
    delegate.deleteSnapshot(snapshotId);
  }

  @Override
  public Map<String, String> tags(String resourceId) {
    return delegate.tags(resourceId);
  }

  @Override
  public void tag(String resourceId, Map<String, String> tags) {
    delegate.tag(resourceId, tags);
  }
}
