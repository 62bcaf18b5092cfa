package io.dbrestore.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Resource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobContextTest {
  @Test
  void runId_isTheExecutionNameMadeSafeForAwsIdentifiers() {
    JobContext context =
        TestJobContext.builder()
            .env(
                "DBRESTORE_EXECUTION_ARN",
                "arn:aws:states:eu-west-1:111111111111:execution:nightly:Nightly_2026--11_25")
            .build();

    assertThat(context.runId()).isEqualTo("nightly-2026-11-25");
  }

  @Test
  void runId_withoutExecution_isLocalTimestampAndStable() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:04:05Z"), ZoneOffset.UTC);
    JobContext context = TestJobContext.builder().clock(clock).build();

    assertThat(context.runId()).isEqualTo("local-20261125-030405");
    assertThat(context.runId()).isSameAs(context.runId());
  }

  @Test
  void sanitizeRunId_capsLengthWithoutTrailingHyphen() {
    String id = JobContext.sanitizeRunId("A".repeat(39) + "-----xyz");

    assertThat(id).hasSizeLessThanOrEqualTo(40).doesNotEndWith("-").startsWith("aaa");
  }

  @Test
  void testContext_guardUsesTheFixedAccount() {
    JobContext context =
        TestJobContext.builder().account("222222222222").protectedAccount("222222222222").build();
    Resource volume =
        new Resource("ec2 volume", "vol-1", () -> Map.of("dbrestore:managed", "true"));

    assertThatThrownBy(() -> context.guard().check(Operation.DELETE, volume))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("account 222222222222 is protected");
  }

  @Test
  void checkPlanned_refusesOutsideTheAllowlist_withoutReadingTags() {
    JobContext context = TestJobContext.builder().allowlist("dev-.*").build();

    context.guard().checkPlanned(Operation.DELETE, "rds cluster", "dev-app-next");
    assertThatThrownBy(
            () -> context.guard().checkPlanned(Operation.DELETE, "rds cluster", "prod-app"))
        .isInstanceOf(JobException.class)
        .hasMessage(
            "refused to delete rds cluster prod-app: it does not match the target allowlist"
                + " 'dev-.*'; fix the target name or the allowlist");
  }
}
