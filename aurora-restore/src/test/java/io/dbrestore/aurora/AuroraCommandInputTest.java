package io.dbrestore.aurora;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.Run;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input to snapshot, restore and teardown: exit 2 with one line saying what is wrong, before
 * any AWS call (no endpoint, region or credentials are configured here, so any call would fail
 * differently).
 */
class AuroraCommandInputTest {
  static final Map<String, String> ENV = Map.of("DBRESTORE_MASKING_KEY", "k".repeat(40));

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "restore --cluster Develop_App --source-cluster-name app | is not an RDS cluster identifier",
        "restore --cluster develop-app | no source: give --source-cluster-name",
        "restore --cluster develop-app --source-cluster-name app --strategy flip | --strategy 'flip' is not one of swap, replace",
        "restore --cluster develop-app --source-cluster monolith --point-in-time latest | --rules is required",
        "restore --cluster develop-app --source-cluster monolith --point-in-time yesterday --rules x.yaml | is neither 'latest' nor an instant",
        "restore --cluster develop-app --snapshot s --source-cluster m --point-in-time latest | not both",
        "restore --cluster develop-app --source-cluster-name app --vpc-security-group default | is not a security group id",
        "restore --cluster develop-app --source-cluster-name app --instances 0 | --instances must be 1 to 15",
        "restore --cluster develop-app --source-cluster-name app --source-account 12 | is not a 12-digit AWS account id",
        "restore --cluster develop-app --source-cluster-name app --post-restore-sql /no/such.sql | no such readable file",
        "snapshot --source-cluster app --rules x.yaml | --kms-key is required",
        "snapshot --source-cluster app --rules x.yaml --kms-key alias/aws/rds | cannot be shared",
        "snapshot --source-cluster app --rules x.yaml --kms-key k --share-with 1234 | is not a 12-digit AWS account id",
        "snapshot --source-cluster app --rules x.yaml --kms-key k --retention 0 | --retention must be at least 1",
        "snapshot --source-cluster app --rules x.yaml --kms-key k --source-snapshot s --point-in-time latest | at most one of",
        "teardown --cluster -bad | is not an RDS cluster identifier",
      })
  void badInput_exits2_withOneLine(String args, String message) {
    Run run = Run.of(AuroraRestore.entryPoint(), ENV, args.trim().split(" +"));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message);
    assertThat(run.errLines()).hasSize(1);
  }
}
