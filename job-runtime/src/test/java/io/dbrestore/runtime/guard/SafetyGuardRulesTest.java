package io.dbrestore.runtime.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.error.JobException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a job adds to the guard (protections, the shape of its identifiers, another spelling of the
 * managed tag) and the parts of the check it may call alone. The guard is built directly; its
 * account lookup fails the test when it is asked, since these checks must need no request.
 */
class SafetyGuardRulesTest {
  private static final String ACCOUNT = "222233334444";
  private static final String TARGET = "6a00000000000000000000b2/dev-docs";
  private static final String SOURCE = "5f00000000000000000000a1/prod-docs";

  private static SafetyGuard guard(String allowlist) {
    return new SafetyGuard(
        new GuardPolicy(
            allowlist == null ? null : Pattern.compile(allowlist),
            Map.of(ACCOUNT, Set.of(Operation.RESTORE_OVER))),
        () -> {
          throw new AssertionError("the account was asked for");
        },
        false,
        new PrintWriter(new StringWriter()));
  }

  private static SafetyGuard atlasLike(String allowlist) {
    return guard(allowlist)
        .identifiedAs("<project-id>/<cluster>")
        .protecting(
            Protection.identifier("target-is-source", SOURCE, "it is the source cluster"),
            Protection.scope(
                "protected-project", "6a00000000000000000000b2/", "its project is protected"));
  }

  private static String kindOf(Runnable check) {
    try {
      check.run();
      return "allowed";
    } catch (JobException e) {
      return e.kind();
    }
  }

  @Test
  void checkIdentifier_withAllowedIdentifier_asksForNothing() {
    assertThatCode(() -> guard("dev-.*").checkIdentifier(Operation.DELETE, "rds cluster", "dev-a"))
        .doesNotThrowAnyException();
  }

  @Test
  void checkIdentifier_withoutProtections_refusesAsCheckPlannedDid() {
    assertThatThrownBy(
            () -> guard("dev-.*").checkIdentifier(Operation.DELETE, "rds cluster", "prod-app"))
        .isInstanceOf(JobException.class)
        .hasMessage(
            "refused to delete rds cluster prod-app: it does not match the target allowlist"
                + " 'dev-.*'; fix the target name or the allowlist");
    assertThatThrownBy(() -> guard(null).checkIdentifier(Operation.DELETE, "rds cluster", "x"))
        .hasMessage(
            "refused to delete rds cluster x: no target allowlist is configured; set"
                + " --target-allowlist (env DBRESTORE_TARGET_ALLOWLIST) to a pattern of the"
                + " resources this job may change");
  }

  @Test
  void checkIdentifier_withProtection_refusesWithItsRuleAndReason() {
    assertThatThrownBy(
            () -> atlasLike(".*").checkIdentifier(Operation.RESTORE_OVER, "atlas cluster", SOURCE))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("target-is-source"))
        .hasMessage(
            "refused to restore-over atlas cluster " + SOURCE + ": it is the source cluster");
  }

  @Test
  void checkIdentifier_withScope_coversEveryIdentifierBelowIt() {
    SafetyGuard guard = atlasLike(".*");

    assertThat(kindOf(() -> guard.checkIdentifier(Operation.RESTORE_OVER, "atlas cluster", TARGET)))
        .isEqualTo("protected-project");
    assertThat(
            kindOf(
                () ->
                    guard.checkIdentifier(
                        Operation.RESTORE_OVER,
                        "atlas cluster",
                        "6a00000000000000000000b3/dev-docs")))
        .isEqualTo("allowed");
  }

  @Test
  void checkIdentifier_whenEverythingIsWrong_refusesInOrder_allowlistProtectionsMatch() {
    SafetyGuard noAllowlist = atlasLike(null);
    SafetyGuard offTheList = atlasLike("nothing");

    assertThat(kindOf(() -> noAllowlist.checkIdentifier(Operation.DELETE, "c", SOURCE)))
        .isEqualTo("no-allowlist");
    assertThat(kindOf(() -> offTheList.checkIdentifier(Operation.DELETE, "c", SOURCE)))
        .isEqualTo("target-is-source");
    assertThat(kindOf(() -> offTheList.checkIdentifier(Operation.DELETE, "c", TARGET)))
        .isEqualTo("protected-project");
    assertThat(kindOf(() -> offTheList.checkIdentifier(Operation.DELETE, "c", "x/y")))
        .isEqualTo("not-allowlisted");
  }

  @Test
  void identifiedAs_namesTheShapeAndQuotesTheIdentifier() {
    SafetyGuard guard = guard(".*/edge-.*").identifiedAs("<project-id>/<cluster>");

    assertThatThrownBy(() -> guard.checkIdentifier(Operation.RESTORE_OVER, "atlas cluster", TARGET))
        .hasMessage(
            "refused to restore-over atlas cluster "
                + TARGET
                + ": '"
                + TARGET
                + "' does not match the target allowlist '.*/edge-.*', a pattern of"
                + " <project-id>/<cluster>; fix the target name or the allowlist");
    assertThatThrownBy(
            () ->
                guard(null)
                    .identifiedAs("<project-id>/<cluster>")
                    .checkIdentifier(Operation.RESTORE_OVER, "atlas cluster", TARGET))
        .hasMessageContaining("to a pattern of <project-id>/<cluster> this job may change");
  }

  @Test
  void protecting_leavesTheGuardItIsCalledOnAsItWas() {
    SafetyGuard plain = guard(".*");
    plain.protecting(Protection.identifier("mine", "a", "no"));

    assertThat(kindOf(() -> plain.checkIdentifier(Operation.DELETE, "c", "a")))
        .isEqualTo("allowed");
  }

  @Test
  void checkPlanned_withProtection_asksForTheAccountFirst() {
    SafetyGuard guard =
        new SafetyGuard(
                new GuardPolicy(
                    Pattern.compile(".*"), Map.of(ACCOUNT, Set.of(Operation.RESTORE_OVER))),
                () -> ACCOUNT,
                false,
                new PrintWriter(new StringWriter()))
            .protecting(Protection.identifier("target-is-source", SOURCE, "it is the source"));

    assertThat(kindOf(() -> guard.checkPlanned(Operation.RESTORE_OVER, "c", SOURCE)))
        .isEqualTo("protected-account");
    assertThat(kindOf(() -> guard.checkPlanned(Operation.DELETE, "c", SOURCE)))
        .isEqualTo("target-is-source");
  }

  @Test
  void checkManaged_readsOnlyTheTags() {
    Resource managed =
        new Resource("ec2 volume", "vol-1", () -> Map.of("dbrestore:managed", "true"));
    Resource unmanaged = new Resource("ec2 volume", "vol-2", Map::of);

    assertThatCode(() -> guard("nothing").checkManaged(Operation.DELETE, managed))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> guard("nothing").checkManaged(Operation.DELETE, unmanaged))
        .hasMessage(
            "refused to delete ec2 volume vol-2: it does not carry the tag dbrestore:managed=true,"
                + " so dbrestore did not create it; tag it only if dbrestore may destroy it");
  }

  @Test
  void spelledAs_readsTheManagedTagInThatSpelling_andNamesIt() {
    TagLookup atlas =
        TagLookup.spelledAs(
            "Atlas tag", "dbrestore-managed", () -> Map.of("dbrestore-managed", "true", "a", "b"));
    TagLookup untagged =
        TagLookup.spelledAs(
            "Atlas tag", "dbrestore-managed", () -> Map.of("dbrestore:managed", "true"));

    assertThat(atlas.tags()).containsEntry("dbrestore:managed", "true").containsEntry("a", "b");
    assertThat(untagged.tags()).doesNotContainKey("dbrestore:managed");
    assertThatThrownBy(
            () ->
                guard(".*")
                    .checkManaged(
                        Operation.RESTORE_OVER, new Resource("atlas cluster", TARGET, untagged)))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("unmanaged-resource"))
        .hasMessageContaining("it does not carry the Atlas tag dbrestore-managed=true");
  }
}
