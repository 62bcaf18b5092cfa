package io.dbrestore.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.atlas.AtlasRestore;
import io.dbrestore.aurora.AuroraRestore;
import io.dbrestore.mongo.restore.MongoRestore;
import io.dbrestore.mongo.snapshot.MongoMaskSnapshot;
import io.dbrestore.runtime.JobMain;
import io.dbrestore.runtime.PreflightCommand;
import io.dbrestore.runtime.cli.EnvDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The contract between the state machines and the jobs: every command line (and every {@code
 * DBRESTORE_*} variable) an ECS task of a rendered state machine passes to a job is parsed by that
 * job's real picocli definition, with the task definition's environment applied the way {@link
 * JobMain} applies it. JSONPath and intrinsic-function parts get sample values.
 *
 * <p>Reads what {@code terraform/test/run.sh} rendered (exactly what Terraform deploys).
 */
class StateMachineCommandLineContractIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The jobs' top commands, by container name (JobListIT: exactly the jobs of the list). */
  static final Map<String, Supplier<Object>> JOBS =
      Map.of(
          "aurora-restore", AuroraRestore::new,
          "mongo-mask-snapshot", MongoMaskSnapshot::new,
          "mongo-restore", MongoRestore::new,
          "atlas-restore", AtlasRestore::new);

  /** Variables the runtime reads itself (JobMain), not options. */
  private static final Set<String> RUNTIME_VARIABLES =
      Set.of(
          JobMain.TASK_TOKEN_VARIABLE,
          JobMain.EXECUTION_VARIABLE,
          JobMain.HEARTBEAT_VARIABLE,
          JobMain.HEARTBEAT_TIMEOUT_VARIABLE,
          JobMain.GRACE_VARIABLE,
          "DBRESTORE_LOG_FORMAT");

  /** A command line of one ECS task state, with its environment. */
  record Invocation(
      String definition,
      String state,
      String job,
      List<String> args,
      Map<String, String> overrideEnv,
      Map<String, String> taskEnv) {
    @Override
    public String toString() {
      return definition + " › " + state + ": " + job + " " + String.join(" ", args);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCommandLineParsesWithItsJobsDefinition() throws IOException {
    List<Invocation> invocations = invocations();
    return invocations.stream()
        .map(inv -> DynamicTest.dynamicTest(inv.toString(), () -> assertParses(inv)));
  }

  @TestFactory
  Stream<DynamicTest> everyTaskDefinitionVariableNamesAnOption() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : renderedFiles("containers-")) {
      JsonNode containers = JSON.readTree(file.toFile());
      containers
          .fields()
          .forEachRemaining(
              e ->
                  tests.add(
                      DynamicTest.dynamicTest(
                          file.getFileName() + " › " + e.getKey(),
                          () -> assertTaskVariablesAreOptions(e.getKey(), e.getValue()))));
    }
    return tests.stream();
  }

  private static void assertParses(Invocation inv) {
    Supplier<Object> job = JOBS.get(inv.job());
    assertThat(job)
        .as("%s: container %s is one of the jobs %s", inv, inv.job(), JOBS.keySet())
        .isNotNull();
    Map<String, String> env = new LinkedHashMap<>(inv.taskEnv());
    env.putAll(inv.overrideEnv());
    CommandLine cli = jobCommandLine(job);
    EnvDefaults.install(cli, env);
    ParseResult result;
    try {
      result = cli.parseArgs(inv.args().toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError(
          inv.job()
              + " rejects the command line of "
              + inv.definition()
              + " › "
              + inv.state()
              + ": "
              + e.getMessage()
              + "\n  command line: "
              + inv.job()
              + " "
              + String.join(" ", inv.args())
              + "\n  environment: "
              + inv.overrideEnv(),
          e);
    }
    ParseResult leaf = result;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    assertThat(leaf.commandSpec())
        .as("%s names a subcommand, not just the job", inv)
        .isNotSameAs(result.commandSpec());
    Set<String> options = variables(leaf.commandSpec());
    for (String variable : inv.overrideEnv().keySet()) {
      if (RUNTIME_VARIABLES.contains(variable) || !variable.startsWith("DBRESTORE_")) {
        continue;
      }
      assertThat(options)
          .as(
              "%s sets %s, which names no option of '%s' (a misspelt variable is silently ignored)",
              inv, variable, leaf.commandSpec().qualifiedName())
          .contains(variable);
    }
  }

  private static void assertTaskVariablesAreOptions(String jobName, JsonNode container) {
    Supplier<Object> job = JOBS.get(jobName);
    assertThat(job).as("container %s is a job", jobName).isNotNull();
    Set<String> all = new TreeSet<>();
    collectVariables(jobCommandLine(job), all);
    List<String> names = new ArrayList<>();
    container.path("environment").forEach(e -> names.add(e.path("name").asText()));
    container.path("secrets").forEach(e -> names.add(e.path("name").asText()));
    for (String variable : names) {
      if (RUNTIME_VARIABLES.contains(variable) || !variable.startsWith("DBRESTORE_")) {
        continue;
      }
      assertThat(all)
          .as(
              "task definition of %s sets %s, which names no option of any of its commands",
              jobName, variable)
          .contains(variable);
    }
  }

  /** The job's command tree as JobMain builds it (it adds 'preflight' to every job). */
  private static CommandLine jobCommandLine(Supplier<Object> job) {
    CommandLine cli = new CommandLine(job.get());
    if (!cli.getSubcommands().containsKey("preflight")) {
      cli.addSubcommand("preflight", new PreflightCommand());
    }
    return cli;
  }

  private static void collectVariables(CommandLine cli, Set<String> into) {
    into.addAll(variables(cli.getCommandSpec()));
    cli.getSubcommands().values().forEach(sub -> collectVariables(sub, into));
  }

  private static Set<String> variables(CommandSpec spec) {
    Set<String> names = new TreeSet<>();
    for (OptionSpec option : spec.options()) {
      if (option.longestName().startsWith("--")) {
        names.add(EnvDefaults.variableFor(option));
      }
    }
    return names;
  }

  // ------------------------------------------------------------------------------------------

  private static List<Path> renderedFiles(String prefix) throws IOException {
    Path dir = Repo.rendered();
    assumeTrue(
        Files.isDirectory(dir),
        "terraform/build/rendered/ is missing: terraform/test/run.sh did not render (terraform or"
            + " node not installed?); the contract test needs the rendered state machines");
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .filter(
              p ->
                  prefix.isEmpty()
                      ? !p.getFileName().toString().startsWith("containers-")
                      : p.getFileName().toString().startsWith(prefix))
          .sorted()
          .toList();
    }
  }

  static List<Invocation> invocations() throws IOException {
    List<Invocation> found = new ArrayList<>();
    for (Path file : renderedFiles("")) {
      String name = file.getFileName().toString().replaceFirst("\\.json$", "");
      String example = name.substring(0, name.indexOf('-'));
      Path containersFile = file.resolveSibling("containers-" + example + ".json");
      JsonNode containers =
          Files.exists(containersFile)
              ? JSON.readTree(containersFile.toFile())
              : JSON.createObjectNode();
      collect(name, "", JSON.readTree(file.toFile()).path("States"), containers, found);
    }
    assertThat(found).as("the rendered state machines run ECS tasks").isNotEmpty();
    return found;
  }

  private static void collect(
      String definition, String path, JsonNode states, JsonNode containers, List<Invocation> into) {
    states
        .fields()
        .forEachRemaining(
            e -> {
              String stateName = path.isEmpty() ? e.getKey() : path + " › " + e.getKey();
              JsonNode state = e.getValue();
              if (state.path("Resource").asText().startsWith("arn:aws:states:::ecs:runTask")) {
                for (JsonNode override :
                    state.path("Parameters").path("Overrides").path("ContainerOverrides")) {
                  String job = override.path("Name").asText();
                  into.add(
                      new Invocation(
                          definition,
                          stateName,
                          job,
                          command(override),
                          environment(override.path("Environment")),
                          taskEnvironment(containers.path(job))));
                }
              }
              state
                  .path("Branches")
                  .forEach(b -> collect(definition, stateName, b.path("States"), containers, into));
              JsonNode processor =
                  state.has("ItemProcessor") ? state.get("ItemProcessor") : state.path("Iterator");
              if (processor.has("States")) {
                collect(definition, stateName, processor.path("States"), containers, into);
              }
            });
  }

  private static List<String> command(JsonNode override) {
    if (override.has("Command")) {
      List<String> args = new ArrayList<>();
      override.get("Command").forEach(a -> args.add(a.asText()));
      return args;
    }
    Object value = Intrinsics.evaluate(override.path("Command.$").asText(), Samples::forPath);
    assertThat(value).as("Command.$ is an array").isInstanceOf(List.class);
    List<String> args = new ArrayList<>();
    ((List<?>) value).forEach(a -> args.add(String.valueOf(a)));
    return args;
  }

  private static Map<String, String> environment(JsonNode entries) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode entry : entries) {
      String name = entry.path("Name").asText();
      if (entry.has("Value")) {
        env.put(name, entry.get("Value").asText());
      } else {
        env.put(
            name,
            String.valueOf(Intrinsics.evaluate(entry.path("Value.$").asText(), Samples::forPath)));
      }
    }
    return env;
  }

  private static Map<String, String> taskEnvironment(JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    container
        .path("environment")
        .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    // Secrets arrive as variables too; their values are samples.
    container.path("secrets").forEach(e -> env.put(e.path("name").asText(), "sample-secret-value"));
    return env;
  }
}
