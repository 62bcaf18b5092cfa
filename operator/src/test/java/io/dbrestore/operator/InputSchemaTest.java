package io.dbrestore.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class InputSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyWorkflowsSchemaIsInTheJarAndUsesOnlyCheckedKeywords() {
    List<InputSchema> all = InputSchema.all();
    assertThat(all)
        .extracting(InputSchema::workflow)
        .containsExactlyElementsOf(InputSchema.WORKFLOWS);
    assertThat(
            all.stream()
                .flatMap(s -> s.properties().values().stream())
                .map(InputSchema.Property::flag)
                .distinct())
        .containsExactlyInAnyOrder(
            "--aurora-snapshot",
            "--mongo-snapshot",
            "--atlas-snapshot-id",
            "--dry-run",
            "--name",
            "--ttl-hours",
            "--snapshot",
            "--cluster");
  }

  @Test
  void aSchemaWithAKeywordTheCliDoesNotCheckDoesNotLoad() throws Exception {
    assertThatThrownBy(
            () ->
                InputSchema.parse(
                    "x",
                    JSON.readTree(
                        "{\"type\":\"object\",\"additionalProperties\":false,"
                            + "\"properties\":{\"a\":{\"type\":\"string\",\"enum\":[\"b\"]}}}")))
        .hasMessageContaining("uses enum");
  }

  @Test
  void theClosestKeyIsSuggestedOnlyWhenItIsClose() {
    InputSchema restore = InputSchema.load("restore");
    assertThat(restore.closest("auroraSnapshotId")).isEqualTo("auroraSnapshot");
    assertThat(restore.closest("dryrun")).isEqualTo("dryRun");
    assertThat(restore.closest("mongoSnap")).isEqualTo("mongoSnapshot");
    assertThat(restore.closest("target")).isNull();
  }

  @Test
  void validInputHasNoProblems() throws Exception {
    InputSchema temporary = InputSchema.load("temporary");
    assertThat(
            temporary.validate(
                JSON.readTree("{\"name\":\"tmp-qa-1\",\"ttlHours\":24.0,\"dryRun\":true}"),
                Map.of()))
        .isEmpty();
    assertThat(Stream.of("restore", "teardown", "masked-snapshots", "drift"))
        .allSatisfy(
            w -> assertThat(InputSchema.load(w).validate(JSON.readTree("{}"), Map.of())).isEmpty());
  }

  @Test
  void everyWorkflowOfThePipelineModuleHasAPipelineName() throws Exception {
    // The pipeline module's input schemas are the workflows; each is reachable by its pipeline
    // name (dbrestore-<workflow>), restore also by any target's.
    try (Stream<java.nio.file.Path> files =
        java.nio.file.Files.list(
            java.nio.file.Path.of("..", "terraform", "modules", "pipeline", "inputs"))) {
      List<String> workflows =
          files.map(f -> f.getFileName().toString().replace(".schema.json", "")).toList();
      assertThat(workflows).contains("drift", "restore");
      for (String w : workflows) {
        assertThat(Pipelines.workflow(w)).as(w).isEqualTo(w);
        assertThat(InputSchema.load(w).validate(JSON.readTree("{}"), Map.of())).as(w).isNotNull();
      }
    }
  }
}
