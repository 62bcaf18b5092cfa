package io.dbrestore.runtime;

/**
 * A command that runs only on this machine and touches no AWS resource (the demo): its help shows
 * only its own options — not the safety guard's, the dry run's or the target's, which mean nothing
 * to it — and it offers no {@code preflight}.
 */
public interface LocalOnly {
  /** The runtime's options that do not apply to a local command. */
  java.util.Set<String> HIDDEN_OPTIONS =
      java.util.Set.of("--dry-run", "--target", "--target-allowlist", "--protected-account");
}
