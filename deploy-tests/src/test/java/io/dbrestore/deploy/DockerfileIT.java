package io.dbrestore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * No Docker engine runs here, so this checks what can be checked of docker/Dockerfile: for every
 * job and the operator, each COPY source exists (the jar copied from the build stage is the one
 * {@code ./mvnw -pl <job> -am package} produces), the runtime stage runs as a non-root user, and
 * its ENTRYPOINT, run on the built jar, answers {@code --help}.
 */
class DockerfileIT {
  private static final List<String> JOBS = Repo.jobs();
  private static final Pattern COPY =
      Pattern.compile("^COPY\\s+(--from=(\\S+)\\s+)?(\\S+)\\s+(\\S+)$");

  private final Path root = Repo.root();
  private final List<String> lines = instructions(root.resolve("docker/Dockerfile"));

  @TestFactory
  Stream<DynamicTest> copySourcesAreProducedByTheBuild() {
    return JOBS.stream().map(job -> DynamicTest.dynamicTest(job, () -> copySourcesExist(job)));
  }

  private void copySourcesExist(String job) {
    String buildWorkdir = "/build";
    int copies = 0;
    for (String line : runtimeStage()) {
      Matcher m = COPY.matcher(substitute(line, job));
      if (!m.matches()) {
        continue;
      }
      copies++;
      String source = m.group(3);
      Path local =
          m.group(2) != null
              ? root.resolve(relativeTo(buildWorkdir, source))
              : root.resolve(source);
      assertThat(local).as("COPY %s of the %s image (%s)", source, job, line).exists();
    }
    assertThat(copies)
        .as("the runtime stage copies the jar and the rules")
        .isGreaterThanOrEqualTo(2);
  }

  /**
   * The operator's command line is an image too: the same Dockerfile with {@code JOB=operator}
   * (same base, same non-root user), whose jar the build produces and whose ENTRYPOINT answers
   * {@code --help}; build-all.sh builds it after the jobs, and the build context keeps the
   * run-input schemas the operator's jar carries though it leaves the rest of terraform/ out.
   */
  @Test
  void operatorImage_fromTheSameDockerfile_builtByBuildAll() throws Exception {
    copySourcesExist("operator");
    answersHelp("operator", "Usage: dbrestore");
    assertThat(Files.readAllLines(root.resolve("docker/build-all.sh")))
        .as("build-all.sh builds the jobs of the one list, then the operator")
        .anyMatch(l -> l.strip().matches("for job in \\$jobs operator; do"));
    List<String> ignored = Files.readAllLines(root.resolve(".dockerignore"));
    assertThat(ignored).contains("terraform", "!terraform/modules/pipeline/inputs");
    assertThat(Files.readString(root.resolve("operator/pom.xml")))
        .contains("<directory>${project.basedir}/../terraform/modules/pipeline/inputs</directory>");
  }

  @Test
  void runtimeStage_runsAsNonRoot_withRulesAtTheDocumentedPath() {
    List<String> runtime = runtimeStage();
    String user =
        runtime.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user.substring(5).strip()).doesNotStartWith("root").doesNotStartWith("0");
    assertThat(runtime)
        .anyMatch(l -> l.startsWith("COPY ") && l.endsWith(" /etc/dbrestore/rules/"));
    assertThat(root.resolve("examples/rules.yaml")).exists();
  }

  /**
   * Every path the task definitions mount (the writable /tmp beside a read-only root file system)
   * is a VOLUME of the image, created and given to the image's USER before it is declared. ECS,
   * bind mounts: "By default, the volume permissions are set to 0755 and the owner as root. These
   * permissions can be customized in the Dockerfile." (Amazon ECS developer guide, "Use bind mounts
   * with Amazon ECS"). Without that, the job (UID 10001) cannot write /tmp on Fargate.
   */
  @Test
  void taskDefinitionMounts_areVolumesOfTheImage_ownedByItsUser() throws IOException {
    List<String> runtime = runtimeStage();
    String user =
        runtime.stream()
            .filter(l -> l.startsWith("USER "))
            .reduce((a, b) -> b)
            .orElseThrow()
            .substring(5)
            .strip()
            .split(":")[0];
    List<String> mounted = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(Repo.rendered())) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("containers-")).toList()) {
        json.readTree(file.toFile())
            .forEach(
                container -> {
                  assertThat(container.path("user").isMissingNode())
                      .as("%s: the task runs as the image's USER", file.getFileName())
                      .isTrue();
                  container
                      .path("mountPoints")
                      .forEach(m -> mounted.add(m.path("containerPath").asText()));
                });
      }
    }
    assertThat(mounted).as("rendered task definitions with mount points").contains("/tmp");
    for (String path : mounted.stream().distinct().toList()) {
      int volume = -1;
      for (int i = 0; i < runtime.size(); i++) {
        String l = runtime.get(i);
        if (l.startsWith("VOLUME ") && l.contains("\"" + path + "\"")) {
          volume = i;
        }
      }
      assertThat(volume).as("VOLUME [\"%s\"] in the runtime stage", path).isNotNegative();
      List<String> before = runtime.subList(0, volume);
      assertThat(before)
          .as("%s owned by the image's USER (%s) before it is declared a VOLUME", path, user)
          .anyMatch(
              l ->
                  l.startsWith("RUN ")
                      && l.matches(
                          ".*chown\\s+" + user + "(:\\S+)?\\s+(\\S+\\s+)*" + path + "(\\s.*|$)"));
    }
  }

  @TestFactory
  Stream<DynamicTest> entrypointAnswersHelpOnTheBuiltJar() throws IOException {
    List<String> entrypoint = entrypoint();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint)
        .contains("-XX:+ExitOnOutOfMemoryError")
        .anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="));
    return JOBS.stream()
        .map(job -> DynamicTest.dynamicTest(job, () -> answersHelp(job, "Usage: " + job)));
  }

  /** The ENTRYPOINT run on the jar {@code package} built, with --help: exit 0 and the usage. */
  private void answersHelp(String job, String usage) throws IOException, InterruptedException {
    Path jar = root.resolve(job + "/target/" + job + ".jar");
    assertThat(jar).as("built by package").exists();
    List<String> command = new ArrayList<>();
    for (String arg : entrypoint()) {
      if (arg.equals("java")) {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      } else if (arg.equals("/app/job.jar")) {
        command.add(jar.toString());
      } else {
        command.add(arg);
      }
    }
    command.add("--help");
    Path out = Files.createTempFile("entrypoint", ".out");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().remove("DBRESTORE_TASK_TOKEN");
      pb.environment().remove("SENTRY_DSN");
      Process p = pb.start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains(usage);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private List<String> entrypoint() throws IOException {
    String line =
        runtimeStage().stream()
            .filter(l -> l.startsWith("ENTRYPOINT "))
            .reduce((a, b) -> b)
            .orElseThrow();
    List<String> args = new ArrayList<>();
    new ObjectMapper()
        .readTree(line.substring("ENTRYPOINT ".length()))
        .forEach(n -> args.add(n.asText()));
    return args;
  }

  private List<String> runtimeStage() {
    int last = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        last = i;
      }
    }
    return lines.subList(last, lines.size());
  }

  private String substitute(String line, String job) {
    return line.replace("${JOB}", job).replace("${RULES_DIR}", "examples");
  }

  private static String relativeTo(String workdir, String path) {
    assertThat(path).startsWith(workdir + "/");
    return path.substring(workdir.length() + 1);
  }

  /** Dockerfile instructions, continuation lines joined, comments dropped. */
  private static List<String> instructions(Path dockerfile) {
    try {
      List<String> out = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String raw : Files.readAllLines(dockerfile, StandardCharsets.UTF_8)) {
        String line = raw.strip();
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        if (line.endsWith("\\")) {
          current.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        current.append(line);
        out.add(current.toString().replaceAll("\\s+", " "));
        current.setLength(0);
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
