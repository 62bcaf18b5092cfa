package io.dbrestore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Permissions proven by simulation: every AWS call the jobs' tests recorded against the fakes
 * (target/aws-calls/*.jsonl: action, resources with their tags, tags in the request) is evaluated
 * against the IAM policies Terraform renders for the role that makes it
 * (terraform/build/rendered/iam/), with AWS's service reference data, by
 * terraform/test/iam-check.mjs (@cloud-copilot/iam-simulate). Every recorded call must be allowed;
 * the same writes without {@code dbrestore:managed=true} denied; putting {@code dbrestore:managed}
 * on a resource without it denied; a volume from another account's snapshot denied. The state
 * machines' roles are checked from the rendered definitions' Task states.
 *
 * <p>What does not hold yet is listed in iam-known-failures.txt: the test asserts the failures are
 * exactly those, so a fix removes its line and a regression adds one.
 */
class IamSimulationIT {
  /**
   * The recorded calls: aurora-restore (development restore, teardown; production snapshot),
   * mongo-mask-snapshot's EC2 calls (production) and mongo-restore's (development).
   */
  static final List<String> CALL_FILES =
      List.of(
          "aurora-restore/target/aws-calls/aurora-restore.jsonl",
          "mongo-mask-snapshot/target/aws-calls/ec2.jsonl",
          "mongo-restore/target/aws-calls/ec2.jsonl");

  @Test
  void everyRecordedCallIsAllowed_andNothingUnmanagedIs() throws Exception {
    Path root = Repo.root();
    Path test = root.resolve("terraform/test");
    assumeTrue(
        Files.isDirectory(test.resolve("node_modules/@cloud-copilot/iam-simulate")),
        "terraform/test/run.sh did not install the simulator (no node/npm/terraform): skipped");
    List<String> command = new ArrayList<>(List.of("node", "iam-check.mjs"));
    command.add(Repo.rendered().resolve("iam").toString());
    for (String file : CALL_FILES) {
      Path calls = root.resolve(file);
      assertThat(calls)
          .as(
              "recorded calls %s: the module's tests write them (./mvnw verify runs them first)",
              file)
          .isRegularFile();
      command.add(calls.toString());
    }
    Process process =
        new ProcessBuilder(command)
            .directory(test.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("iam-check.mjs: %s", out).isZero();
    JsonNode report = new ObjectMapper().readTree(out);
    assertThat(report.get("calls").asInt()).as("distinct recorded calls").isGreaterThan(0);

    Set<String> actual = new TreeSet<>();
    report.get("failures").forEach(f -> actual.add(f.asText()));
    Set<String> known = known();
    Set<String> unexpected = new TreeSet<>(actual);
    unexpected.removeAll(known);
    Set<String> fixed = new TreeSet<>(known);
    fixed.removeAll(actual);
    assertThat(unexpected)
        .as(
            "%d calls, %d checks: failures not in iam-known-failures.txt (a denied call or a"
                + " permission too wide)",
            report.get("calls").asInt(), report.get("checks").asInt())
        .isEmpty();
    assertThat(fixed)
        .as("known failures that no longer fail: remove them from iam-known-failures.txt")
        .isEmpty();
  }

  private static Set<String> known() throws IOException {
    Set<String> known = new TreeSet<>();
    try (var in = IamSimulationIT.class.getResourceAsStream("/iam-known-failures.txt")) {
      if (in == null) {
        return known;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          known.add(line.strip());
        }
      }
    }
    return known;
  }
}
