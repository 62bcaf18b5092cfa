package io.dbrestore.atlas;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.dbrestore.runtime.testing.AwsStubs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** WireMock playing Atlas (and the AWS calls around it) for atlas-restore's tests. */
final class FakeAtlas {
  static final String SOURCE_PROJECT = "5f00000000000000000000a1";
  static final String SOURCE_CLUSTER = "prod-docs";
  static final String TARGET_PROJECT = "6a00000000000000000000b2";
  static final String TARGET_CLUSTER = "dev-docs";
  static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:222233334444:secret:atlas-x";
  static final String OLD_SNAPSHOT = "650000000000000000000001";
  static final String NEW_SNAPSHOT = "650000000000000000000002";
  static final String RUNNING_SNAPSHOT = "650000000000000000000003";
  static final String JOB = "66aa00000000000000000001";
  static final String MEDIA = "application/vnd.atlas.2023-01-01+json";
  static final String CLIENT_ID = "mdb_sa_id_0123456789abcdef";
  static final String CLIENT_SECRET = "mdb_sa_sk_very-secret-value";
  static final String TOKEN = "eyJtoken-one";
  static final String BACKUP =
      "/api/atlas/v2/groups/" + SOURCE_PROJECT + "/clusters/" + SOURCE_CLUSTER + "/backup";
  static final String RESTORE_JOBS = BACKUP + "/restoreJobs";
  static final String TARGET =
      "/api/atlas/v2/groups/" + TARGET_PROJECT + "/clusters/" + TARGET_CLUSTER;

  static final String PUBLIC_KEY = "pubkeyabc";
  static final String PRIVATE_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  static final String NONCE = "nonce-ABCDEF0123456789";
  static final String REALM = "MMS Public API";

  private final WireMockExtension wm;
  private UnaryOperator<MappingBuilder> auth =
      b -> b.withHeader("Authorization", equalTo("Bearer " + TOKEN));

  FakeAtlas(WireMockExtension wm) {
    this.wm = wm;
  }

  String baseUrl() {
    return wm.baseUrl();
  }

  /** The arguments of a run against this fake, then {@code extra}. */
  List<String> args(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--source-project",
                SOURCE_PROJECT,
                "--source-cluster",
                SOURCE_CLUSTER,
                "--target-project",
                TARGET_PROJECT,
                "--target-cluster",
                TARGET_CLUSTER,
                "--credentials-secret",
                SECRET_ARN,
                "--atlas-base-url",
                wm.baseUrl(),
                "--target-allowlist",
                ".*/dev-.*",
                "--protected-project",
                SOURCE_PROJECT,
                "--poll-interval",
                "20ms",
                "--http-retry-delay",
                "10ms"));
    // A flag given in extra replaces the default one.
    for (String flag : extra) {
      if (flag.startsWith("--") && !flag.equals("--protected-project")) {
        remove(args, flag);
      }
    }
    args.addAll(List.of(extra));
    return args;
  }

  /** {@link #args}, without {@code flag} and its value. */
  List<String> argsWithout(String flag, String... extra) {
    List<String> args = args(extra);
    remove(args, flag);
    return args;
  }

  private static void remove(List<String> args, String flag) {
    int at = args.indexOf(flag);
    if (at >= 0) {
      args.remove(at + 1);
      args.remove(at);
    }
  }

  FakeAtlas secret(String json) {
    wm.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(
                        "{\"ARN\":\""
                            + SECRET_ARN
                            + "\",\"Name\":\"atlas-x\",\"SecretString\":\""
                            + json.replace("\"", "\\\"")
                            + "\"}")));
    return this;
  }

  /** A service account secret, STS, the token endpoint: what every service-account run needs. */
  FakeAtlas serviceAccount() {
    secret("{\"clientId\":\"" + CLIENT_ID + "\",\"clientSecret\":\"" + CLIENT_SECRET + "\"}");
    wm.stubFor(
        AwsStubs.query("GetCallerIdentity").willReturn(AwsStubs.callerIdentity("333344445555")));
    wm.stubFor(
        post(urlEqualTo("/api/oauth/token"))
            .willReturn(
                okJson(
                    "{\"access_token\":\""
                        + TOKEN
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
    return this;
  }

  /**
   * An API key secret and STS; Atlas answers every request without a valid Digest response (the
   * hash checked by {@link DigestCheck}) with the challenge.
   */
  FakeAtlas apiKey() {
    secret("{\"publicKey\":\"" + PUBLIC_KEY + "\",\"privateKey\":\"" + PRIVATE_KEY + "\"}");
    wm.stubFor(
        AwsStubs.query("GetCallerIdentity").willReturn(AwsStubs.callerIdentity("333344445555")));
    wm.stubFor(
        any(urlPathMatching("/api/atlas/.*"))
            .atPriority(10)
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader(
                        "WWW-Authenticate",
                        "Digest realm=\""
                            + REALM
                            + "\", domain=\"\", nonce=\""
                            + NONCE
                            + "\", algorithm=MD5, qop=\"auth\", stale=false")
                    .withBody(
                        "{\"error\":401,\"errorCode\":\"NOT_ORG_GROUP_CREATOR\","
                            + "\"detail\":\"You are not authorized for this resource.\"}")));
    auth = b -> b.andMatching(r -> MatchResult.of(DigestCheck.valid(r, PUBLIC_KEY, PRIVATE_KEY)));
    return this;
  }

  /** The usual world: two completed snapshots and one in progress; a tagged, idle target. */
  FakeAtlas standard() {
    serviceAccount();
    return world();
  }

  FakeAtlas world() {
    snapshots(
        snapshot(OLD_SNAPSHOT, "2026-03-01T02:00:00Z", "completed"),
        snapshot(NEW_SNAPSHOT, "2026-03-02T02:00:00Z", "completed"),
        snapshot("650000000000000000000009", "2026-03-03T02:00:00Z", "inProgress"));
    target("[{\"key\":\"dbrestore-managed\",\"value\":\"true\"}]", "IDLE");
    restoreJobs();
    wm.stubFor(
        api(post(urlEqualTo(RESTORE_JOBS))).willReturn(okJson(job(JOB, NEW_SNAPSHOT, null))));
    jobProgress(JOB, job(JOB, NEW_SNAPSHOT, null), job(JOB, NEW_SNAPSHOT, "2026-03-02T03:00:00Z"));
    wm.stubFor(api(delete(urlEqualTo(RESTORE_JOBS + "/" + JOB))).willReturn(okJson("{}")));
    return this;
  }

  /** Requests to Atlas carry the bearer token and the versioned media type. */
  MappingBuilder api(MappingBuilder b) {
    return auth.apply(b);
  }

  FakeAtlas snapshots(String... items) {
    wm.stubFor(
        api(get(urlPathEqualTo(BACKUP + "/snapshots")))
            .withHeader("Accept", equalTo(MEDIA))
            .willReturn(okJson(page(items))));
    return this;
  }

  FakeAtlas target(String tags, String state) {
    wm.stubFor(
        api(get(urlEqualTo(TARGET)))
            .willReturn(
                okJson(
                    "{\"name\":\""
                        + TARGET_CLUSTER
                        + "\",\"groupId\":\""
                        + TARGET_PROJECT
                        + "\",\"stateName\":\""
                        + state
                        + "\",\"tags\":"
                        + tags
                        + "}")));
    return this;
  }

  /** A GET of that snapshot answers it, completed, taken at {@code createdAt}. */
  FakeAtlas completedSnapshot(String id, String createdAt) {
    wm.stubFor(
        api(get(urlEqualTo(BACKUP + "/snapshots/" + id)))
            .willReturn(okJson(snapshot(id, createdAt, "completed"))));
    return this;
  }

  FakeAtlas restoreJobs(String... items) {
    wm.stubFor(
        api(get(urlPathEqualTo(RESTORE_JOBS)))
            .withHeader("Accept", equalTo(MEDIA))
            .willReturn(okJson(page(items))));
    return this;
  }

  /** GETs of the restore jobs answer each {@link #page} in turn, then the last one again. */
  FakeAtlas restoreJobsInTurn(String... pages) {
    return inTurn(
        "restore jobs",
        () -> api(get(urlPathEqualTo(RESTORE_JOBS))),
        Arrays.stream(pages).map(p -> okJson(p)).toList());
  }

  /** GETs of the job answer each body in turn, then the last one again and again. */
  FakeAtlas jobProgress(String id, String... bodies) {
    return jobAnswers(id, Arrays.stream(bodies).map(b -> okJson(b)).toList());
  }

  FakeAtlas jobAnswers(String id, List<ResponseDefinitionBuilder> answers) {
    return inTurn("job " + id, () -> api(get(urlEqualTo(RESTORE_JOBS + "/" + id))), answers);
  }

  /** Requests that {@code request} matches get each answer in turn, then the last one again. */
  private FakeAtlas inTurn(
      String scenario, Supplier<MappingBuilder> request, List<ResponseDefinitionBuilder> answers) {
    for (int i = 0; i < answers.size(); i++) {
      var b =
          request
              .get()
              .inScenario(scenario)
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i)
              .willReturn(answers.get(i));
      wm.stubFor(i + 1 < answers.size() ? b.willSetStateTo("answer-" + (i + 1)) : b);
    }
    return this;
  }

  static String page(String... items) {
    return "{\"results\":[" + String.join(",", items) + "],\"totalCount\":" + items.length + "}";
  }

  static String snapshot(String id, String createdAt, String status) {
    return "{\"id\":\""
        + id
        + "\",\"createdAt\":\""
        + createdAt
        + "\",\"status\":\""
        + status
        + "\",\"snapshotType\":\"scheduled\",\"type\":\"replicaSet\"}";
  }

  static String job(String id, String snapshotId, String finishedAt) {
    return job(id, snapshotId, finishedAt, "");
  }

  /** A restore job into the target; {@code flags} like {@code ,"failed":true}. */
  static String job(String id, String snapshotId, String finishedAt, String flags) {
    return "{\"id\":\""
        + id
        + "\",\"snapshotId\":\""
        + snapshotId
        + "\",\"deliveryType\":\"automated\",\"targetGroupId\":\""
        + TARGET_PROJECT
        + "\",\"targetClusterName\":\""
        + TARGET_CLUSTER
        + "\",\"cancelled\":false,\"expired\":false,\"failed\":false"
        + (finishedAt == null ? "" : ",\"finishedAt\":\"" + finishedAt + "\"")
        + ",\"expiresAt\":\"2026-03-05T02:00:00Z\",\"timestamp\":\"2026-03-02T02:00:00Z\""
        + flags
        + "}";
  }
}
