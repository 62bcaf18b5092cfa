package io.dbrestore.runtime.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationTest {
  @Test
  void anAssumedRole_isEvaluatedAsTheRole() {
    assertThat(
            Simulation.principalOf(
                "arn:aws:sts::444455556666:assumed-role/development-aurora-restore-task/abc123"))
        .isEqualTo("arn:aws:iam::444455556666:role/development-aurora-restore-task");
    assertThat(Simulation.principalOf("arn:aws-cn:sts::444455556666:assumed-role/r/s"))
        .isEqualTo("arn:aws-cn:iam::444455556666:role/r");
  }

  @Test
  void aUser_isItself_andTheRootIsNothing() {
    assertThat(Simulation.principalOf("arn:aws:iam::444455556666:user/alice"))
        .isEqualTo("arn:aws:iam::444455556666:user/alice");
    assertThat(Simulation.principalOf("arn:aws:iam::444455556666:root")).isNull();
    assertThat(Simulation.principalOf(null)).isNull();
  }

  @Test
  void tagging_setsRequestTagsAndTagKeys() {
    Permission p =
        Permission.of("rds:AddTagsToResource", "arn:x")
            .tagging(Map.of("dbrestore:managed", "true", "dbrestore:run-id", "r"));

    assertThat(p.context())
        .containsEntry("aws:RequestTag/dbrestore:managed", List.of("true"))
        .containsEntry("aws:TagKeys", List.of("dbrestore:managed", "dbrestore:run-id"));
  }
}
