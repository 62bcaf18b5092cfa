package io.dbrestore.runtime.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * WireMock stubs that speak the AWS wire protocols of STS and EC2 (query, XML) and Step Functions
 * (JSON).
 */
public final class AwsStubs {
  private AwsStubs() {}

  /** A query-protocol call (STS, EC2): POST / with Action=... in the form body. */
  public static MappingBuilder query(String action) {
    return post(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
  }

  public static RequestPatternBuilder queried(String action) {
    return postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
  }

  /** A Step Functions (JSON 1.0) call. */
  public static MappingBuilder sfn(String operation) {
    return post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation));
  }

  public static RequestPatternBuilder sfnCalled(String operation) {
    return postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation));
  }

  public static ResponseDefinitionBuilder xml(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(body);
  }

  public static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/x-amz-json-1.0")
        .withBody(body);
  }

  public static ResponseDefinitionBuilder callerIdentity(String account) {
    return xml(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<GetCallerIdentityResult><Arn>arn:aws:sts::"
            + account
            + ":assumed-role/dbrestore/task</Arn><UserId>AROATEST:task</UserId><Account>"
            + account
            + "</Account></GetCallerIdentityResult>"
            + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
            + "</GetCallerIdentityResponse>");
  }

  /** An STS-style error (query protocol). */
  public static ResponseDefinitionBuilder queryError(int status, String code, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "text/xml")
        .withBody(
            "<ErrorResponse><Error><Type>Sender</Type><Code>"
                + code
                + "</Code><Message>"
                + message
                + "</Message></Error><RequestId>r-err</RequestId></ErrorResponse>");
  }

  /** An EC2-style error (EC2 protocol). */
  public static ResponseDefinitionBuilder ec2Error(int status, String code, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "text/xml")
        .withBody(
            "<Response><Errors><Error><Code>"
                + code
                + "</Code><Message>"
                + message
                + "</Message></Error></Errors><RequestID>r-err</RequestID></Response>");
  }

  public static ResponseDefinitionBuilder ec2Tags(String resourceId, Map<String, String> tags) {
    String items =
        tags.entrySet().stream()
            .map(
                e ->
                    "<item><resourceId>"
                        + resourceId
                        + "</resourceId><resourceType>volume</resourceType><key>"
                        + e.getKey()
                        + "</key><value>"
                        + e.getValue()
                        + "</value></item>")
            .collect(Collectors.joining());
    return xml(
        "<DescribeTagsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
            + "<requestId>r-2</requestId><tagSet>"
            + items
            + "</tagSet></DescribeTagsResponse>");
  }

  public static ResponseDefinitionBuilder ec2DeleteVolume() {
    return xml(
        "<DeleteVolumeResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
            + "<requestId>r-3</requestId><return>true</return></DeleteVolumeResponse>");
  }
}
