package io.dbrestore.mongo.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.Run;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input is one line and exit 2, before any AWS call. */
class RunCommandTest {
  static final String KEY = "run-command-test-key-0123456789abcdefghijkl";

  static Run run(String... args) {
    String[] base = {
      "run",
      "--instance",
      "i-0123456789abcdef0",
      "--kms-key",
      "arn:aws:kms:eu-west-1:1:key/k",
      "--mongo-uri",
      "mongodb://h/",
      "--published-uri",
      "mongodb://h:27018/",
      "--rules",
      "../examples/rules.yaml"
    };
    String[] all = new String[base.length + args.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(args, 0, all, base.length, args.length);
    return Run.of(MongoMaskSnapshot.entryPoint(), Map.of("DBRESTORE_MASKING_KEY", KEY), all);
  }

  @Test
  void noSource_exits2() {
    Run r = run();

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("exactly one of --source-volume and --source-volume-tag");
  }

  @Test
  void badShareAccount_exits2() {
    Run r = run("--source-volume", "vol-0123456789abcdef0", "--share-with", "dev");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--share-with 'dev' is not a 12-digit AWS account id");
  }

  @Test
  void badTag_exits2() {
    Run r = run("--source-volume-tag", "novalue");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not Key=Value");
  }

  @Test
  void missingKmsKey_exits2() {
    Run r =
        Run.of(
            MongoMaskSnapshot.entryPoint(),
            "run",
            "--instance",
            "i-0123456789abcdef0",
            "--source-volume",
            "vol-0123456789abcdef0",
            "--mongo-uri",
            "mongodb://h/",
            "--rules",
            "../examples/rules.yaml");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--kms-key");
  }

  @Test
  void noPublishedUri_exits2InOneLine() {
    Run r =
        Run.of(
            MongoMaskSnapshot.entryPoint(),
            Map.of("DBRESTORE_MASKING_KEY", KEY),
            "run",
            "--instance",
            "i-0123456789abcdef0",
            "--kms-key",
            "arn:aws:kms:eu-west-1:1:key/k",
            "--mongo-uri",
            "mongodb://h/",
            "--source-volume",
            "vol-0123456789abcdef0",
            "--rules",
            "../examples/rules.yaml");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .contains("give exactly one of --published-uri <uri> and --published-uri-secret <arn>");
  }

  @Test
  void publishedDeviceSameAsDevice_exits2() {
    Run r = run("--source-volume", "vol-0123456789abcdef0", "--published-device", "/dev/sdf");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--published-device must differ from --device");
  }

  @Test
  void help_namesTheContractOptions() {
    Run r = Run.of(MongoMaskSnapshot.entryPoint(), "run", "--help");

    assertThat(r.out())
        .contains("--source-volume", "--source-volume-tag", "--instance", "--device", "--kms-key")
        .contains("--volume-initialization-rate", "--mongo-uri", "--share-with", "--retention")
        .contains("--rules", "--masking-key-secret", "--parallelism", "--run-id", "Exit codes:")
        .contains("--published-device", "--published-uri", "--published-uri-secret", "/dev/sdg");
  }
}
