package io.dbrestore.atlas;

import io.dbrestore.atlas.api.AtlasPort;
import io.dbrestore.atlas.api.ClusterRef;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Protection;
import io.dbrestore.runtime.guard.Resource;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.guard.TagLookup;

/**
 * The runtime's safety guard, told what only atlas-restore knows: its targets are named {@code
 * <project-id>/<cluster>} (what the allowlist matches), the source cluster and the {@code
 * --protected-project}s are never a target, and Atlas spells the managed tag {@code
 * dbrestore-managed}. These Atlas rules are guard protections rather than checks of this job's own,
 * so that they come in the guard's order (allowlist configured, then these, then the allowlist's
 * match) and every refusal reads alike.
 */
final class AtlasGuard {
  static final String KIND = AtlasPort.CLUSTER;

  /**
   * The Atlas spelling of the runtime's managed tag: Atlas tag keys may not contain ':', so {@code
   * dbrestore:managed} becomes {@code dbrestore-managed}.
   */
  static final String MANAGED_TAG = Tags.atlasKey(Tags.MANAGED);

  private AtlasGuard() {}

  /** {@code guard} with the Atlas rules of this run. */
  static SafetyGuard of(SafetyGuard guard, Request request) {
    SafetyGuard atlas =
        guard
            .identifiedAs("<project-id>/<cluster>")
            .protecting(
                Protection.identifier(
                    "target-is-source",
                    request.source().toString(),
                    "it is the source cluster; --target-project/--target-cluster must name the"
                        + " development cluster"));
    for (String project : request.protectedProjects()) {
      atlas =
          atlas.protecting(
              Protection.scope(
                  "protected-project",
                  project + "/",
                  "project "
                      + project
                      + " is protected (--protected-project); restore into a development"
                      + " project"));
    }
    return atlas;
  }

  /**
   * The refusals that need no request at all, not even for the credentials (exit 3), in this order:
   * no allowlist, the target is the source, its project is protected, it is not on the allowlist.
   */
  static void checkWithoutAsking(SafetyGuard guard, Request request) {
    guard.checkIdentifier(Operation.RESTORE_OVER, KIND, request.target().toString());
  }

  /** The target cluster for the guard, its tags read by {@code atlasTags} (in Atlas's spelling). */
  static Resource target(ClusterRef target, TagLookup atlasTags) {
    return new Resource(
        KIND, target.toString(), TagLookup.spelledAs("Atlas tag", MANAGED_TAG, atlasTags));
  }
}
