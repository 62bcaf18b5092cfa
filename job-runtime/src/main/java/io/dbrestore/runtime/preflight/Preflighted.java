package io.dbrestore.runtime.preflight;

/**
 * A job command that {@code <job> preflight <command>} can check: with the command's own options,
 * it adds the checks of what the command needs (permissions for the calls it makes, its targets,
 * its inputs) to {@code preflight}, changing nothing. The runtime adds the identity and guard
 * checks before, and prints the result.
 */
public interface Preflighted {
  void preflight(Preflight preflight) throws Exception;
}
