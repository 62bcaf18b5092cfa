package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.dbrestore.runtime.testing.MovingClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;

/**
 * WireMock speaking Step Functions (JSON 1.0), ECS and CloudWatch Logs (JSON 1.1) and RDS (the
 * query protocol: form-encoded POST, XML), and the operator CLI run in-process on a clock that
 * moves only when it "sleeps".
 */
final class Fakes {
  static final String ACCOUNT = "123456789012";
  static final String REGION = "eu-west-1";
  static final Instant NOW = Instant.parse("2026-12-01T14:30:00Z");

  private Fakes() {}

  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err, int sleeps) {}

  /** Runs the CLI as USER=alice at {@link #NOW}. */
  static Result run(String... args) {
    return run(false, args);
  }

  /** Runs the CLI as USER=alice at {@link #NOW}, its stdout taken for a terminal. */
  static Result runOnTerminal(String... args) {
    return run(true, args);
  }

  private static Result run(boolean terminal, String... args) {
    MovingClock clock = new MovingClock(NOW);
    int[] sleeps = {0};
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new OperatorMain()
            .time(
                clock,
                d -> {
                  sleeps[0]++;
                  clock.advance(d);
                })
            .terminal(terminal)
            .run(
                Map.of("USER", "alice"),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                args);
    return new Result(code, out.toString(), err.toString(), sleeps[0]);
  }

  static MappingBuilder sfn(String operation) {
    return post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation));
  }

  static RequestPatternBuilder sfnCalled(String operation) {
    return postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation));
  }

  static MappingBuilder ecs(String operation) {
    return post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("AmazonEC2ContainerServiceV20141113." + operation));
  }

  static RequestPatternBuilder ecsCalled(String operation) {
    return postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("AmazonEC2ContainerServiceV20141113." + operation));
  }

  static MappingBuilder logs(String operation) {
    return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("Logs_20140328." + operation));
  }

  static RequestPatternBuilder logsCalled(String operation) {
    return postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("Logs_20140328." + operation));
  }

  /** An RDS action: a form-encoded POST naming it. */
  static MappingBuilder rds(String action) {
    return post(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
  }

  static RequestPatternBuilder rdsCalled(String action) {
    return postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
  }

  /** An RDS response: {@code <Action>Response><Action>Result>body</...>}. */
  static ResponseDefinitionBuilder xml(String action, String result) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/xml")
        .withBody(
            "<"
                + action
                + "Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><"
                + action
                + "Result>"
                + result
                + "</"
                + action
                + "Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></"
                + action
                + "Response>");
  }

  static ResponseDefinitionBuilder json11(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/x-amz-json-1.1")
        .withBody(body);
  }

  static ResponseDefinitionBuilder json(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/x-amz-json-1.0")
        .withBody(body);
  }

  static String machineArn(String name) {
    return "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + name;
  }

  static String executionArn(String machine, String name) {
    return "arn:aws:states:" + REGION + ":" + ACCOUNT + ":execution:" + machine + ":" + name;
  }

  /** ListStateMachines listing these names (and one without the prefix). */
  static String machines(String... names) {
    StringBuilder b = new StringBuilder("{\"stateMachines\":[");
    for (String n : names) {
      b.append(machine(n)).append(',');
    }
    return b.append(machine("other-nightly")).append("]}").toString();
  }

  private static String machine(String name) {
    return "{\"stateMachineArn\":\""
        + machineArn(name)
        + "\",\"name\":\""
        + name
        + "\",\"type\":\"STANDARD\",\"creationDate\":1764000000}";
  }

  static String describe(String arn, String status, String error, String cause) {
    return "{\"executionArn\":\""
        + arn
        + "\",\"stateMachineArn\":\""
        + machineArn("dbrestore-release")
        + "\",\"name\":\""
        + arn.substring(arn.lastIndexOf(':') + 1)
        + "\",\"status\":\""
        + status
        + "\",\"startDate\":1796135400"
        + (status.equals("RUNNING") ? "" : ",\"stopDate\":1796137200")
        + (error == null ? "" : ",\"error\":\"" + error + "\"")
        + (cause == null ? "" : ",\"cause\":\"" + cause + "\"")
        + "}";
  }
}
