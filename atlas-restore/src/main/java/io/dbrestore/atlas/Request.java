package io.dbrestore.atlas;

import io.dbrestore.atlas.api.ClusterRef;
import java.util.List;

/**
 * What the command line asked for, checked by {@link RunCommand} (exit 2 otherwise): project and
 * snapshot ids in lower case, cluster names as Atlas allows them.
 *
 * @param source the production cluster whose snapshot is restored
 * @param target the development cluster restored into; its data is replaced
 * @param snapshotId the snapshot to restore ({@code --snapshot-id}); null for the newest completed
 * @param protectedProjects projects never restored into ({@code --protected-project})
 * @param cancelOnStop whether a stopped run cancels the restore job ({@code --on-stop cancel})
 */
record Request(
    ClusterRef source,
    ClusterRef target,
    String snapshotId,
    List<String> protectedProjects,
    boolean cancelOnStop) {
  Request {
    protectedProjects = List.copyOf(protectedProjects);
  }
}
