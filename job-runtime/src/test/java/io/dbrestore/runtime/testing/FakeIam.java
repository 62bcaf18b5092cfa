package io.dbrestore.runtime.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IAM's {@code SimulatePrincipalPolicy} over the query API (form-encoded request, XML response), as
 * a WireMock transformer: every action asked about is {@code allowed} unless {@link #deny} names it
 * (on every resource, or on one), in which case it is {@code implicitDeny} or {@code explicitDeny}.
 * Keeps what it was asked ({@link #asked}).
 */
public final class FakeIam implements ResponseDefinitionTransformerV2 {
  public static final String NAME = "fake-iam";

  /** One simulated action on one resource, with the request's condition keys. */
  public record Asked(
      String principal, String action, String resource, Map<String, String> context) {}

  private final Map<String, String> denied = new ConcurrentHashMap<>();
  private final List<Asked> asked = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Forgets denials and questions (one per test). */
  public FakeIam reset() {
    denied.clear();
    asked.clear();
    return this;
  }

  /**
   * Denies {@code action} on {@code resource} ({@code null}: on every resource) with {@code
   * decision} ({@code implicitDeny}, {@code explicitDeny}).
   */
  public FakeIam deny(String action, String resource, String decision) {
    denied.put(action + " " + (resource == null ? "" : resource), decision);
    return this;
  }

  public List<Asked> asked() {
    return List.copyOf(asked);
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  static Map<String, String> form(String body) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        p.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return p;
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    Map<String, String> p = form(event.getRequest().getBodyAsString());
    String principal = p.get("PolicySourceArn");
    String resource = p.getOrDefault("ResourceArns.member.1", "*");
    Map<String, String> context = new LinkedHashMap<>();
    for (int i = 1; p.containsKey("ContextEntries.member." + i + ".ContextKeyName"); i++) {
      List<String> values = new ArrayList<>();
      for (int j = 1;
          p.containsKey("ContextEntries.member." + i + ".ContextKeyValues.member." + j);
          j++) {
        values.add(p.get("ContextEntries.member." + i + ".ContextKeyValues.member." + j));
      }
      context.put(
          p.get("ContextEntries.member." + i + ".ContextKeyName"), String.join(",", values));
    }
    StringBuilder results = new StringBuilder();
    for (int i = 1; p.containsKey("ActionNames.member." + i); i++) {
      String action = p.get("ActionNames.member." + i);
      asked.add(new Asked(principal, action, resource, Map.copyOf(context)));
      String decision =
          denied.getOrDefault(
              action + " " + resource, denied.getOrDefault(action + " ", "allowed"));
      results
          .append("<member><EvalActionName>")
          .append(action)
          .append("</EvalActionName><EvalResourceName>")
          .append(resource)
          .append("</EvalResourceName><EvalDecision>")
          .append(decision)
          .append("</EvalDecision><MatchedStatements/><MissingContextValues/></member>");
    }
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/xml")
        .withBody(
            "<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                + "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
                + "<EvaluationResults>"
                + results
                + "</EvaluationResults></SimulatePrincipalPolicyResult>"
                + "<ResponseMetadata><RequestId>r-iam</RequestId></ResponseMetadata>"
                + "</SimulatePrincipalPolicyResponse>")
        .build();
  }

  /**
   * The AWS operation of every request WireMock served, in order: the query API's {@code Action}
   * (with {@code (DryRun)} when the request was one), or the JSON API's {@code X-Amz-Target}
   * operation.
   */
  public static List<String> operations(List<ServeEvent> events) {
    List<ServeEvent> ordered = new ArrayList<>(events);
    java.util.Collections.reverse(ordered);
    List<String> ops = new ArrayList<>();
    for (ServeEvent e : ordered) {
      String target = e.getRequest().getHeader("X-Amz-Target");
      if (target != null && !target.isEmpty()) {
        ops.add(target.substring(target.indexOf('.') + 1));
        continue;
      }
      Map<String, String> p = form(e.getRequest().getBodyAsString());
      String action =
          p.getOrDefault("Action", e.getRequest().getMethod() + " " + e.getRequest().getUrl());
      ops.add("true".equals(p.get("DryRun")) ? action + " (DryRun)" : action);
    }
    return ops;
  }

  /** Whether an operation as {@link #operations} names it only reads, simulates or dry-runs. */
  public static boolean changesNothing(String operation) {
    return operation.matches("(Describe|Get|List|Simulate)\\w*") || operation.endsWith(" (DryRun)");
  }
}
