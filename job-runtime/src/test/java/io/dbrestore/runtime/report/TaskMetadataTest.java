package io.dbrestore.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskMetadataTest {
  @Test
  void logLink_usesTheConsoleFragmentEncoding() {
    TaskMetadata m =
        new TaskMetadata(
            Optional.empty(),
            Optional.of("/ecs/dbrestore"),
            Optional.of("aurora-restore/app/0f1e"),
            Optional.of("ap-northeast-1"));

    assertThat(m.logLink())
        .contains(
            "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1"
                + "#logsV2:log-groups/log-group/$252Fecs$252Fdbrestore/log-events/"
                + "aurora-restore$252Fapp$252F0f1e");
  }

  @Test
  void outsideEcs_thereIsNoLink() {
    assertThat(TaskMetadata.read(Map.of()).logLink()).isEmpty();
  }

  @Test
  void unreachableEndpoint_givesNoLinkAndNoFailure() {
    assertThat(
            TaskMetadata.read(Map.of(TaskMetadata.ENDPOINT_VARIABLE, "http://127.0.0.1:9/v4/x"))
                .logLink())
        .isEmpty();
  }
}
