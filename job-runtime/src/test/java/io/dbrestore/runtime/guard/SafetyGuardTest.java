package io.dbrestore.runtime.guard;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.ec2DeleteVolume;
import static io.dbrestore.runtime.testing.AwsStubs.ec2Tags;
import static io.dbrestore.runtime.testing.AwsStubs.queried;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.testing.FixtureJob;
import io.dbrestore.runtime.testing.Run;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The guard through a real job, the real SDK and WireMock standing in for STS and EC2. */
class SafetyGuardTest {
  private static final String DEV_ACCOUNT = "222233334444";
  private static final String PROD_ACCOUNT = "111122223333";

  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  @BeforeEach
  void pointSdkAtWireMock() {
    aws.stubFor(query("GetCallerIdentity").willReturn(callerIdentity(DEV_ACCOUNT)));
    aws.stubFor(query("DeleteVolume").willReturn(ec2DeleteVolume()));
  }

  private void tagged(String volume, Map<String, String> tags) {
    aws.stubFor(query("DescribeTags").willReturn(ec2Tags(volume, tags)));
  }

  private Run deleteVolume(String volume, String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "delete-volume";
    args[1] = "--volume-id";
    args[2] = volume;
    System.arraycopy(extra, 0, args, 3, extra.length);
    return Run.of(FixtureJob.entryPoint(), Map.of(), args);
  }

  @Test
  void managedAllowlistedResource_isDeleted() {
    tagged("vol-dev1", Map.of("dbrestore:managed", "true"));

    Run run = deleteVolume("vol-dev1", "--target-allowlist", "vol-dev.*");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"deleted\":true");
    aws.verify(exactly(1), queried("DeleteVolume"));
  }

  @Test
  void untaggedResource_isRefusedWithExit3AndNoDelete() {
    tagged("vol-dev1", Map.of("Name", "someone-elses"));

    Run run = deleteVolume("vol-dev1", "--target-allowlist", "vol-dev.*");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .contains("refused to delete ec2 volume vol-dev1")
        .contains("dbrestore:managed=true");
    aws.verify(moreThanOrExactly(1), queried("DescribeTags"));
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void managedTagWithOtherValue_isRefused() {
    tagged("vol-dev1", Map.of("dbrestore:managed", "false"));

    Run run = deleteVolume("vol-dev1", "--target-allowlist", "vol-dev.*");

    assertThat(run.exitCode()).isEqualTo(3);
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void allowlistMismatch_isRefusedWithExit3AndNoDelete() {
    tagged("vol-prod1", Map.of("dbrestore:managed", "true"));

    Run run = deleteVolume("vol-prod1", "--target-allowlist", "vol-dev.*");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("does not match the target allowlist 'vol-dev.*'");
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void allowlistMustMatchTheWholeIdentifier() {
    tagged("xvol-dev1", Map.of("dbrestore:managed", "true"));

    Run run = deleteVolume("xvol-dev1", "--target-allowlist", "vol-dev.*");

    assertThat(run.exitCode()).isEqualTo(3);
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void protectedAccount_isRefusedWithExit3AndNoDelete() {
    aws.stubFor(query("GetCallerIdentity").willReturn(callerIdentity(PROD_ACCOUNT)));
    tagged("vol-dev1", Map.of("dbrestore:managed", "true"));

    Run run =
        deleteVolume(
            "vol-dev1",
            "--target-allowlist",
            "vol-dev.*",
            "--protected-account",
            PROD_ACCOUNT + ":delete+restore-over");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("account " + PROD_ACCOUNT + " is protected for delete");
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void accountProtectedForOtherOperations_stillAllowsThisOne() {
    aws.stubFor(query("GetCallerIdentity").willReturn(callerIdentity(PROD_ACCOUNT)));
    tagged("vol-dev1", Map.of("dbrestore:managed", "true"));

    Run run =
        deleteVolume(
            "vol-dev1",
            "--target-allowlist",
            "vol-dev.*",
            "--protected-account",
            PROD_ACCOUNT + ":restore-over");

    assertThat(run.exitCode()).as(run.err()).isZero();
    aws.verify(exactly(1), queried("DeleteVolume"));
  }

  @Test
  void noAllowlist_refusesEverything() {
    tagged("vol-dev1", Map.of("dbrestore:managed", "true"));

    Run run = deleteVolume("vol-dev1");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("no target allowlist is configured");
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void dryRun_printsThePlanAndSendsNoMutatingRequest() {
    tagged("vol-dev1", Map.of("dbrestore:managed", "true"));

    Run run = deleteVolume("vol-dev1", "--target-allowlist", "vol-dev.*", "--dry-run");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("[dry-run] would call ec2:DeleteVolume to delete ec2 volume vol-dev1")
        .contains("\"dryRun\":true")
        .contains("\"deleted\":false");
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void dryRun_stillRefusesWhatTheRealRunWouldRefuse() {
    tagged("vol-dev1", Map.of());

    Run run = deleteVolume("vol-dev1", "--target-allowlist", "vol-dev.*", "--dry-run");

    assertThat(run.exitCode()).isEqualTo(3);
    aws.verify(exactly(0), queried("DeleteVolume"));
  }

  @Test
  void protectedAccounts_parse() {
    Map<String, Set<Operation>> parsed =
        GuardPolicy.parseProtectedAccounts(
            List.of("111122223333", "444455556666:delete+restore-over", " "));

    assertThat(parsed.get("111122223333")).containsExactlyInAnyOrder(Operation.values());
    assertThat(parsed.get("444455556666"))
        .containsExactlyInAnyOrder(Operation.DELETE, Operation.RESTORE_OVER);
    assertThatThrownBy(() -> GuardPolicy.parseProtectedAccounts(List.of("111122223333:explode")))
        .hasMessageContaining("unknown operation 'explode'");
  }
}
