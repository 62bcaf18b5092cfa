package io.dbrestore.mongo.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.Run;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input is one line and exit 2, before any AWS call (there is no AWS here to call). */
class RunCommandTest {
  static Run run(String... args) {
    return Run.of(MongoRestore.entryPoint(), Map.of("AWS_REGION", "eu-west-1"), args);
  }

  @Test
  void badInstanceId_exits2() {
    Run r =
        run(
            "run",
            "--instance",
            "web-1",
            "--source-account",
            "999999999999",
            "--mongo-uri",
            "mongodb://h/");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("--instance 'web-1' is not an EC2 instance id");
  }

  @Test
  void snapshotAndSourceAccountTogether_exits2() {
    Run r =
        run(
            "run",
            "--instance",
            "i-0123456789abcdef0",
            "--snapshot",
            "snap-0123456789abcdef0",
            "--source-account",
            "999999999999",
            "--mongo-uri",
            "mongodb://h/");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("exactly one of --snapshot and --source-account");
  }

  @Test
  void initializationRateOutOfRange_exits2() {
    Run r =
        run(
            "run",
            "--instance",
            "i-0123456789abcdef0",
            "--source-account",
            "999999999999",
            "--mongo-uri",
            "mongodb://h/",
            "--volume-initialization-rate",
            "400");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("between 100 and 300");
  }

  @Test
  void optionsFromTheEnvironment() {
    Run r =
        Run.of(
            MongoRestore.entryPoint(),
            Map.of(
                "DBRESTORE_INSTANCE", "i-0123456789abcdef0",
                "DBRESTORE_SOURCE_ACCOUNT", "12",
                "DBRESTORE_MONGO_URI", "mongodb://h/"),
            "run");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "--source-account (from DBRESTORE_SOURCE_ACCOUNT) '12' is not a 12-digit AWS account"
                + " id");
  }

  @Test
  void help_namesTheContractOptions() {
    Run r = run("run", "--help");

    assertThat(r.out())
        .contains("--instance", "--device", "--snapshot", "--source-account", "--max-age")
        .contains("--mongo-uri", "--volume-initialization-rate", "--run-id", "Exit codes:");
  }
}
