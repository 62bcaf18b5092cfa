package io.dbrestore.mongo.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishedMongodOptionsTest {
  @AfterEach
  void forget() {
    Redactor.clearSecrets();
  }

  static PublishedMongodOptions options(String uri, String secret, String device) {
    PublishedMongodOptions o = new PublishedMongodOptions();
    o.publishedDevice = device;
    o.publishedUri = uri;
    o.publishedUriSecret = secret;
    return o;
  }

  @Test
  void neitherOrBothUris_isInvalidInputInOneLine() {
    assertThatThrownBy(() -> options(null, null, "/dev/sdg").validate("/dev/sdf"))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessage("give exactly one of --published-uri <uri> and --published-uri-secret <arn>");
    assertThatThrownBy(() -> options("mongodb://h/", "arn:x", "/dev/sdg").validate("/dev/sdf"))
        .isInstanceOf(JobException.class);
  }

  @Test
  void theDataDeviceOrNoDevice_isInvalidInput() {
    assertThatThrownBy(() -> options("mongodb://h/", null, "/dev/sdf").validate("/dev/sdf"))
        .hasMessageContaining("--published-device must differ from --device");
    assertThatThrownBy(() -> options("mongodb://h/", null, "sdg").validate("/dev/sdf"))
        .hasMessageContaining("is not a data volume device name");
  }

  @Test
  void thePasswordOfThePublishedUri_isRedacted() {
    PublishedMongodOptions o =
        options("mongodb://copy:pub-s3cret@10.1.1.5:27018/?authSource=admin", null, "/dev/sdg");
    o.validate("/dev/sdf");

    o.mongod(TestJobContext.builder().build());

    assertThat(Redactor.redact("mongodb://copy:pub-s3cret@10.1.1.5:27018/"))
        .doesNotContain("pub-s3cret");
  }
}
