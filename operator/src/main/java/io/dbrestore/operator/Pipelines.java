package io.dbrestore.operator;

import io.dbrestore.runtime.error.JobException;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/**
 * The pipelines: state machines named {@code <prefix><pipeline>}, each taking one workflow's input
 * (every restore target, develop to release, takes the restore workflow's).
 */
final class Pipelines {
  private Pipelines() {}

  /** The workflow whose input schema a pipeline takes. */
  static String workflow(String pipeline) {
    return switch (pipeline) {
      case "temporary", "teardown", "masked-snapshots", "drift" -> pipeline;
      default -> "restore";
    };
  }

  /** The state machines with the prefix, by name. */
  static List<StateMachineListItem> list(SfnClient sfn, String prefix) {
    return sfn.listStateMachinesPaginator(b -> b.maxResults(1000)).stateMachines().stream()
        .filter(m -> m.name().startsWith(prefix))
        .sorted(Comparator.comparing(StateMachineListItem::name))
        .toList();
  }

  /** The state machine of a pipeline; exit 2 naming those that exist when there is none. */
  static StateMachineListItem find(SfnClient sfn, String prefix, String pipeline) {
    List<StateMachineListItem> machines = list(sfn, prefix);
    return machines.stream()
        .filter(m -> m.name().equals(prefix + pipeline))
        .findFirst()
        .orElseThrow(() -> unknown(sfn, prefix, pipeline, machines));
  }

  private static JobException unknown(
      SfnClient sfn, String prefix, String pipeline, List<StateMachineListItem> machines) {
    String region = sfn.serviceClientConfiguration().region().id();
    if (machines.isEmpty()) {
      return JobException.invalidInput(
          "unknown pipeline "
              + pipeline
              + ": no state machine named "
              + prefix
              + "* in "
              + region
              + " (check --region, --prefix and your AWS account)");
    }
    return JobException.invalidInput(
        "unknown pipeline "
            + pipeline
            + ": no state machine "
            + prefix
            + pipeline
            + " in "
            + region
            + "; the pipelines are: "
            + String.join(", ", machines.stream().map(m -> name(m, prefix)).toList()));
  }

  /** The pipeline's name: the state machine's without the prefix. */
  static String name(StateMachineListItem machine, String prefix) {
    return machine.name().substring(prefix.length());
  }
}
