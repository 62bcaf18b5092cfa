package io.dbrestore.masking.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.rules.Rules;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.testing.AwsWireMock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --rules s3://…} through the real AWS SDK against an HTTP stand-in for S3: the version S3
 * returns in {@code x-amz-version-id} is recorded with the SHA-256 of the object's bytes; a bucket
 * without versioning, a missing object and a denied read are each one line, exit 2.
 *
 * <p>S3's GetObject: "x-amz-version-id: Version ID of the object. ... If the bucket is not
 * versioned ... the version ID is null" (GetObject, response headers); unversioned objects report
 * the literal {@code null} as their version ID ("If versioning is not enabled ... Amazon S3 sets
 * the value of the version ID to null", S3 User Guide, "How S3 Versioning works").
 */
class RulesLocationTest {
  @RegisterExtension static final AwsWireMock S3 = new AwsWireMock();

  static final String RULES =
      "version: 1\n"
          + "databases:\n"
          + "  shop:\n"
          + "    collections:\n"
          + "      customers:\n"
          + "        fields:\n"
          + "          _id: keep\n"
          + "          email: email\n";

  AwsClients clients;
  JobContext context;

  @BeforeEach
  void setUp() {
    clients = new AwsClients(AwsClients.Settings.CONTROL_PLANE, false);
    context = TestJobContext.builder().aws(() -> clients).build();
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void readsAVersionedObjectAndRecordsItsVersionAndDigest() throws Exception {
    S3.stubFor(
        get(urlPathEqualTo("/dbrestore-rules/prod/rules.yaml"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("x-amz-version-id", "v7.Xy_z")
                    .withHeader("Content-Type", "application/x-yaml")
                    .withBody(RULES)));

    Rules rules = RulesLocation.parse("s3://dbrestore-rules/prod/rules.yaml").load(context);

    assertThat(rules.version()).isEqualTo("v7.Xy_z");
    assertThat(rules.sha256()).isEqualTo(sha256(RULES));
    assertThat(rules.source()).isEqualTo("s3://dbrestore-rules/prod/rules.yaml?versionId=v7.Xy_z");
    assertThat(rules.databases()).containsKey("shop");
    assertThat(RulesLocation.describe(rules))
        .containsEntry("version", "v7.Xy_z")
        .containsEntry("sha256", sha256(RULES));
  }

  @Test
  void aPinnedVersionIsAskedFor() {
    S3.stubFor(
        get(urlPathEqualTo("/dbrestore-rules/rules.yaml"))
            .willReturn(aResponse().withHeader("x-amz-version-id", "old-1").withBody(RULES)));

    Rules rules =
        RulesLocation.parse("s3://dbrestore-rules/rules.yaml?versionId=old-1").load(context);

    assertThat(rules.version()).isEqualTo("old-1");
    S3.verify(
        getRequestedFor(urlPathEqualTo("/dbrestore-rules/rules.yaml"))
            .withQueryParam(
                "versionId", com.github.tomakehurst.wiremock.client.WireMock.equalTo("old-1")));
  }

  @Test
  void anUnversionedBucketIsRefused() {
    S3.stubFor(
        get(urlPathEqualTo("/plain/rules.yaml"))
            .willReturn(aResponse().withHeader("x-amz-version-id", "null").withBody(RULES)));
    assertInvalid("s3://plain/rules.yaml", "has no version: turn on versioning of bucket plain");

    S3.stubFor(get(urlPathEqualTo("/plain/other.yaml")).willReturn(aResponse().withBody(RULES)));
    assertInvalid("s3://plain/other.yaml", "has no version");
  }

  @Test
  void aMissingObjectOrBucketOrADeniedReadIsOneLine() {
    S3.stubFor(
        get(urlPathEqualTo("/rules-b1/missing.yaml"))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/xml")
                    .withBody(
                        "<Error><Code>NoSuchKey</Code><Message>The specified key does not"
                            + " exist.</Message></Error>")));
    assertInvalid(
        "s3://rules-b1/missing.yaml", "s3://rules-b1/missing.yaml does not exist (check --rules)");

    S3.stubFor(
        get(urlPathEqualTo("/nobucket/rules.yaml"))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withBody(
                        "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not"
                            + " exist</Message></Error>")));
    assertInvalid("s3://nobucket/rules.yaml", "bucket nobucket does not exist");

    S3.stubFor(
        get(urlPathEqualTo("/rules-b1/secret.yaml"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withBody(
                        "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")));
    assertInvalid(
        "s3://rules-b1/secret.yaml",
        "access denied to s3://rules-b1/secret.yaml: the task role needs s3:GetObject");
  }

  @Test
  void rulesThatDoNotLoadNameTheObjectVersionAndLine() {
    S3.stubFor(
        get(urlPathEqualTo("/rules-b1/bad.yaml"))
            .willReturn(
                aResponse()
                    .withHeader("x-amz-version-id", "v2")
                    .withBody(RULES.replace("email: email", "email: emial"))));
    assertInvalid("s3://rules-b1/bad.yaml", "s3://rules-b1/bad.yaml?versionId=v2:8");
  }

  @Test
  void malformedLocationsAreRefusedBeforeAnyCall() {
    for (String bad :
        new String[] {
          "s3://", "s3://Bucket/x.yaml", "s3://b1", "s3://rules-b1/", "s3://a/b?version=1"
        }) {
      assertThatThrownBy(() -> RulesLocation.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              JobException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                assertThat(e.getMessage()).contains("is not an S3 object");
              });
    }
    assertThat(S3.getAllServeEvents()).isEmpty();
  }

  @Test
  void aLocalFileStillWorksAndHasNoVersion(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, RULES);

    Rules rules = RulesLocation.parse(file.toString()).load(context);

    assertThat(rules.version()).isNull();
    assertThat(rules.sha256()).isEqualTo(sha256(RULES));
    assertThat(S3.getAllServeEvents()).isEmpty();
  }

  private void assertInvalid(String location, String message) {
    assertThatThrownBy(() -> RulesLocation.parse(location).load(context))
        .isInstanceOfSatisfying(
            JobException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
              assertThat(e.getMessage()).contains(message).doesNotContain("\n");
            });
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
