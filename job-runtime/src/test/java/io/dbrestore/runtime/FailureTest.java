package io.dbrestore.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * The error path never fails itself: every shape of exception the SDK, a driver or the JVM can
 * throw becomes one line, an exit code and a kind (issue 15: an AWS error without an error code
 * made classify throw a NullPointerException, and the job died without its line, without
 * SendTaskFailure and without Sentry).
 */
class FailureTest {
  private static Failure classify(Throwable t) {
    return Failure.classify(t, new Cancellation());
  }

  /** Every shape we could think of, with nulls wherever the SDK allows them. */
  static List<Throwable> shapes() {
    List<Throwable> shapes = new ArrayList<>();
    // An empty 400, a 5xx without a body: no error details at all.
    shapes.add(AwsServiceException.builder().statusCode(400).build());
    shapes.add(AwsServiceException.builder().statusCode(503).message(null).build());
    // Details present, each part null.
    shapes.add(
        AwsServiceException.builder()
            .statusCode(500)
            .awsErrorDetails(AwsErrorDetails.builder().build())
            .build());
    shapes.add(
        SfnException.builder()
            .statusCode(403)
            .awsErrorDetails(AwsErrorDetails.builder().serviceName("Sfn").build())
            .build());
    shapes.add(
        SfnException.builder()
            .statusCode(0)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode("Throttling").errorMessage(null).build())
            .build());
    shapes.add(SdkClientException.builder().build());
    shapes.add(
        SdkClientException.builder().message(null).cause(new UnknownHostException()).build());
    shapes.add(new RuntimeException());
    shapes.add(new RuntimeException((String) null, null));
    shapes.add(new JobException(ExitCode.FAULT, null, null));
    shapes.add(new IllegalStateException("wrapped", AwsServiceException.builder().build()));
    shapes.add(
        new Throwable() {
          @Override
          public String getMessage() {
            throw new IllegalStateException("a message that throws");
          }
        });
    return shapes;
  }

  @Test
  void everyShape_becomesOneLineAndAnExitCode_neverAnException() {
    for (Throwable t : shapes()) {
      Failure f = classify(t);
      assertThat(f.code()).as("%s", t.getClass()).isNotNull();
      assertThat(f.kind()).as("%s", t.getClass()).isNotBlank().doesNotContain("null");
      assertThat(f.message()).as("%s", t.getClass()).isNotBlank().doesNotContain("\n");
      assertThat(f.redactedMessage()).isNotBlank();
    }
  }

  @Test
  void awsErrorWithoutCode_namesTheStatus() {
    Failure f = classify(AwsServiceException.builder().statusCode(503).build());

    assertThat(f.code()).isEqualTo(ExitCode.FAULT);
    assertThat(f.kind()).isEqualTo("aws-error");
    assertThat(f.message()).contains("HTTP 503").doesNotContain("null");
  }

  @Test
  void unreachableEndpoint_namesTheHostAndWhatToCheck() {
    Failure f =
        classify(
            SdkClientException.builder()
                .message(
                    "Unable to execute HTTP request: Connect to rds.eu-west-1.amazonaws.com:443"
                        + " [rds.eu-west-1.amazonaws.com/10.0.0.1] failed: connect timed out")
                .cause(new SocketTimeoutException("connect timed out"))
                .build());

    assertThat(f.kind()).isEqualTo("aws-unreachable");
    assertThat(f.message())
        .contains("could not reach rds.eu-west-1.amazonaws.com:443")
        .contains("VPC endpoint or NAT");

    Failure dns =
        classify(
            SdkClientException.builder()
                .message("Unable to execute HTTP request: sts.example.invalid")
                .cause(new UnknownHostException("sts.example.invalid"))
                .build());
    assertThat(dns.message()).contains("could not reach sts.example.invalid").contains("DNS");
  }

  @Test
  void unreachableMongod_namesTheAddressAndWhatToCheck() {
    Failure f =
        classify(
            // The MongoDB driver's MongoTimeoutException (job-runtime does not depend on the
            // driver: the message is what identifies it), text as driver 5.x writes it.
            new RuntimeException(
                "Timed out while waiting for a server that matches"
                    + " ReadPreferenceServerSelector{readPreference=primary}. Client view of"
                    + " cluster state is {type=UNKNOWN, servers=[{address=10.1.2.3:27017,"
                    + " type=UNKNOWN, state=CONNECTING, exception={com.mongodb"
                    + ".MongoSocketOpenException: Exception opening socket}, caused by"
                    + " {java.net.ConnectException: Connection refused}}]"));

    assertThat(f.kind()).isEqualTo("mongod-unreachable");
    assertThat(f.message())
        .contains("could not reach mongod at 10.1.2.3:27017")
        .contains("Connection refused")
        .contains("security group");
  }

  @Test
  void connectionRefusedWithoutTheSdk_namesTheAddress() {
    Failure f =
        classify(new IllegalStateException("x", new ConnectException("Connection refused")));

    assertThat(f.message()).contains("Connection refused");
  }
}
