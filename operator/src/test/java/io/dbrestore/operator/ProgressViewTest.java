package io.dbrestore.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/** The live view as a function of a restore pipeline's history (templates/restore.asl.yaml). */
class ProgressViewTest {
  private static final Instant T0 = Instant.parse("2026-12-01T14:30:00Z");
  private static final String TITLE = "dbrestore-release manual-alice-20261201-143000";

  /** A history written event by event: each names the one before it, as Step Functions does. */
  private static final class History {
    final List<HistoryEvent> events = new ArrayList<>();

    long add(
        long previous, HistoryEventType type, int second, Consumer<HistoryEvent.Builder> details) {
      long id = events.size() + 1;
      HistoryEvent.Builder b =
          HistoryEvent.builder()
              .id(id)
              .previousEventId(previous)
              .type(type)
              .timestamp(T0.plusSeconds(second));
      details.accept(b);
      events.add(b.build());
      return id;
    }

    long add(long previous, HistoryEventType type, int second) {
      return add(previous, type, second, b -> {});
    }

    long entered(long previous, HistoryEventType type, String state, int second, String input) {
      return add(
          previous, type, second, b -> b.stateEnteredEventDetails(d -> d.name(state).input(input)));
    }

    long entered(long previous, HistoryEventType type, String state, int second) {
      return entered(previous, type, state, second, "{}");
    }

    long exited(long previous, HistoryEventType type, String state, int second) {
      return add(previous, type, second, b -> b.stateExitedEventDetails(d -> d.name(state)));
    }

    long taskFailed(long previous, String error, int second) {
      return add(
          previous,
          HistoryEventType.TASK_FAILED,
          second,
          b ->
              b.taskFailedEventDetails(
                  d -> d.resourceType("ecs").resource("runTask").error(error).cause("why")));
    }

    long iteration(long previous, HistoryEventType type, String map, int index, int second) {
      return add(
          previous,
          type,
          second,
          b -> {
            switch (type) {
              case MAP_ITERATION_STARTED ->
                  b.mapIterationStartedEventDetails(d -> d.name(map).index(index));
              case MAP_ITERATION_SUCCEEDED ->
                  b.mapIterationSucceededEventDetails(d -> d.name(map).index(index));
              default -> b.mapIterationFailedEventDetails(d -> d.name(map).index(index));
            }
          });
    }
  }

  private final History h = new History();
  private long aurora;
  private long mongo;
  private long payments;
  private long restore;

  /** Ten minutes in: Aurora running, MongoDB failed, one microservice cluster done. */
  private void runningHistory() {
    long e = h.add(0, HistoryEventType.EXECUTION_STARTED, 0);
    e = h.entered(e, HistoryEventType.PASS_STATE_ENTERED, "Defaults", 0);
    e = h.exited(e, HistoryEventType.PASS_STATE_EXITED, "Defaults", 0);
    e = h.entered(e, HistoryEventType.PARALLEL_STATE_ENTERED, "Restore", 1);
    restore = h.add(e, HistoryEventType.PARALLEL_STATE_STARTED, 1);
    aurora = h.entered(restore, HistoryEventType.TASK_STATE_ENTERED, "Aurora", 1);
    aurora = h.add(aurora, HistoryEventType.TASK_SCHEDULED, 1);
    mongo = h.entered(restore, HistoryEventType.TASK_STATE_ENTERED, "MongoDB", 1);
    mongo = h.add(mongo, HistoryEventType.TASK_SCHEDULED, 1);
    long ms = h.entered(restore, HistoryEventType.MAP_STATE_ENTERED, "Microservices", 1);
    long map = h.add(ms, HistoryEventType.MAP_STATE_STARTED, 1);
    long orders = h.iteration(map, HistoryEventType.MAP_ITERATION_STARTED, "Microservices", 0, 2);
    orders =
        h.entered(
            orders,
            HistoryEventType.TASK_STATE_ENTERED,
            "Microservice",
            2,
            "{\"cluster\":{\"cluster\":\"orders\",\"source\":\"orders-prod\"},\"config\":{}}");
    orders = h.add(orders, HistoryEventType.TASK_SCHEDULED, 2);
    payments = h.iteration(map, HistoryEventType.MAP_ITERATION_STARTED, "Microservices", 1, 2);
    payments =
        h.entered(
            payments,
            HistoryEventType.TASK_STATE_ENTERED,
            "Microservice",
            2,
            "{\"cluster\":{\"cluster\":\"payments\"}}");
    payments = h.add(payments, HistoryEventType.TASK_SCHEDULED, 2);
    orders = h.add(orders, HistoryEventType.TASK_SUCCEEDED, 182);
    orders = h.exited(orders, HistoryEventType.TASK_STATE_EXITED, "Microservice", 182);
    orders = h.entered(orders, HistoryEventType.PASS_STATE_ENTERED, "MicroserviceDone", 182);
    orders = h.exited(orders, HistoryEventType.PASS_STATE_EXITED, "MicroserviceDone", 182);
    h.iteration(orders, HistoryEventType.MAP_ITERATION_SUCCEEDED, "Microservices", 0, 182);
    // MongoDB fails once and is retried, then fails for good and is caught.
    mongo = h.taskFailed(mongo, "States.TaskFailed", 30);
    mongo = h.add(mongo, HistoryEventType.TASK_SCHEDULED, 40);
    mongo = h.taskFailed(mongo, "REFUSED", 241);
    mongo = h.exited(mongo, HistoryEventType.TASK_STATE_EXITED, "MongoDB", 241);
    mongo = h.entered(mongo, HistoryEventType.TASK_STATE_ENTERED, "MongoDBNotify", 241);
    mongo = h.add(mongo, HistoryEventType.TASK_SCHEDULED, 241);
  }

  @Test
  void eachBranchAndMapItemWithItsStepStateAndTime() {
    runningHistory();

    List<String> frame = ProgressView.frame(TITLE, h.events, T0.plusSeconds(600), 0);

    assertThat(frame)
        .containsExactly(
            TITLE + "  ⠋ running  10m00s",
            "  Restore                                       ⠋ 9m59s",
            "    Aurora                                      ⠋ 9m59s",
            "    MongoDB                                     ✗ 4m00s  REFUSED",
            "    Microservices                               ⠋ 9m59s",
            "      Microservices[0] orders › Microservice    ✓ 3m00s",
            "      Microservices[1] payments › Microservice  ⠋ 9m58s");
  }

  @Test
  void aRetriedTaskIsRunningAgainNotFailed() {
    long e = h.add(0, HistoryEventType.EXECUTION_STARTED, 0);
    e = h.entered(e, HistoryEventType.TASK_STATE_ENTERED, "Restore", 0);
    e = h.add(e, HistoryEventType.TASK_SCHEDULED, 0);
    e = h.taskFailed(e, "States.TaskFailed", 10);

    assertThat(ProgressView.frame("t", h.events, T0.plusSeconds(12), 1))
        .containsExactly("t  ⠙ running  12s", "  Restore  ⠙ 10s  retrying after States.TaskFailed");

    h.add(e, HistoryEventType.TASK_SCHEDULED, 20);
    assertThat(ProgressView.frame("t", h.events, T0.plusSeconds(30), 2))
        .containsExactly("t  ⠹ running  30s", "  Restore  ⠹ 30s  attempt 2");
  }

  @Test
  void theEndShowsEveryBranchsOutcomeAndTheExitCode() {
    runningHistory();
    long p = h.add(payments, HistoryEventType.TASK_SUCCEEDED, 400);
    p = h.exited(p, HistoryEventType.TASK_STATE_EXITED, "Microservice", 400);
    p = h.iteration(p, HistoryEventType.MAP_ITERATION_SUCCEEDED, "Microservices", 1, 400);
    p = h.add(p, HistoryEventType.MAP_STATE_SUCCEEDED, 400);
    p = h.exited(p, HistoryEventType.MAP_STATE_EXITED, "Microservices", 400);
    p = h.entered(p, HistoryEventType.PASS_STATE_ENTERED, "MicroservicesDone", 400);
    h.exited(p, HistoryEventType.PASS_STATE_EXITED, "MicroservicesDone", 400);
    long m = h.add(mongo, HistoryEventType.TASK_SUCCEEDED, 242);
    m = h.exited(m, HistoryEventType.TASK_STATE_EXITED, "MongoDBNotify", 242);
    m = h.entered(m, HistoryEventType.PASS_STATE_ENTERED, "MongoDBFailed", 242);
    h.exited(m, HistoryEventType.PASS_STATE_EXITED, "MongoDBFailed", 242);
    long a = h.add(aurora, HistoryEventType.TASK_SUCCEEDED, 700);
    a = h.exited(a, HistoryEventType.TASK_STATE_EXITED, "Aurora", 700);
    long e = h.add(a, HistoryEventType.PARALLEL_STATE_SUCCEEDED, 700);
    e = h.exited(e, HistoryEventType.PARALLEL_STATE_EXITED, "Restore", 700);
    e = h.entered(e, HistoryEventType.FAIL_STATE_ENTERED, "Failed", 701);
    h.add(
        e,
        HistoryEventType.EXECUTION_FAILED,
        701,
        b ->
            b.executionFailedEventDetails(
                d ->
                    d.error("dbrestore.BranchesFailed")
                        .cause("Failed branches [\"mongodb\"] (microservice clusters [])")));

    List<String> frame = ProgressView.frame(TITLE, h.events, T0.plusSeconds(900), 5);

    assertThat(frame)
        .containsExactly(
            TITLE + "  ✗ failed  11m41s",
            // The run's own row: its Parallel state, failed with the run's error.
            "  Restore                                       ✗ 11m39s  dbrestore.BranchesFailed",
            "    Aurora                                      ✓ 11m39s",
            "    MongoDB                                     ✗ 4m00s  REFUSED",
            "    Microservices                               ✓ 6m39s",
            "      Microservices[0] orders › Microservice    ✓ 3m00s",
            "      Microservices[1] payments › Microservice  ✓ 6m38s",
            "execution FAILED (dbrestore.BranchesFailed): Failed branches [\"mongodb\"] (microservice"
                + " clusters []) after 11m41s; exit 1 (FAULT)");
  }

  @Test
  void beforeAnyEventOnlyTheHeading() {
    assertThat(ProgressView.frame("t", List.of(), T0, 0)).containsExactly("t  ⠋ running  0s");
  }

  @Test
  void aMapItemIsNamedOnlyByAClusterNameInItsInput() {
    assertThat(ProgressView.itemName("{\"cluster\":{\"cluster\":\"orders-db\"}}"))
        .isEqualTo("orders-db");
    assertThat(ProgressView.itemName("{\"cluster\":\"billing\"}")).isEqualTo("billing");
    assertThat(ProgressView.itemName("{\"cluster\":{\"cluster\":\"a b; DROP\"}}")).isNull();
    assertThat(ProgressView.itemName("not json")).isNull();
  }
}
