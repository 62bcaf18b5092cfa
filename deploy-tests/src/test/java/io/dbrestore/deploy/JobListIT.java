package io.dbrestore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The list of jobs has one source, {@code terraform/modules/pipeline/jobs.txt}: the pipeline
 * module, {@code ./dbrestore} and {@code docker/build-all.sh} read it. What cannot read it is
 * checked against it here: the Maven reactor, the jobs' picocli definitions the contract test
 * parses with, and the ecs-job module (a Terraform module reads only its own files).
 */
class JobListIT {
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ECS_JOB_NAMES =
      Pattern.compile("contains\\(\\[([^\\]]*)\\],\\s*var\\.name\\)");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

  private final Path root = Repo.root();
  private final List<String> jobs = Repo.jobs();

  @Test
  void theListNamesJobs() {
    assertThat(jobs)
        .isNotEmpty()
        .doesNotHaveDuplicates()
        .allMatch(j -> j.matches("[a-z][a-z0-9-]*"));
  }

  @Test
  void everyJobIsAReactorModuleWithAMainClass() throws IOException {
    List<String> modules = matches(MODULE, read(root.resolve("pom.xml")));
    for (String job : jobs) {
      assertThat(modules).as("the root pom.xml's modules").contains(job);
      assertThat(read(root.resolve(job).resolve("pom.xml")))
          .as("%s/pom.xml sets job.mainClass (it builds %s.jar)", job, job)
          .contains("<job.mainClass>");
    }
  }

  @Test
  void theContractTestKnowsExactlyTheJobs() {
    assertThat(StateMachineCommandLineContractIT.JOBS.keySet())
        .containsExactlyInAnyOrderElementsOf(jobs);
  }

  @Test
  void theEcsJobModuleAcceptsExactlyTheJobs() throws IOException {
    Matcher m = ECS_JOB_NAMES.matcher(read(root.resolve("terraform/modules/ecs-job/variables.tf")));
    assertThat(m.find()).as("ecs-job validates var.name with contains([...], var.name)").isTrue();
    assertThat(matches(QUOTED, m.group(1))).containsExactlyElementsOf(jobs);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
