package io.dbrestore.runtime.snapshot;

import io.dbrestore.runtime.error.JobException;

/**
 * The key a development restore encrypts with. A snapshot shared by the production account is
 * encrypted with production's sharing key; restored without a key of its own, the development
 * cluster or volume keeps depending on that key and stops working (storage inaccessible) the day
 * production rotates it out, revokes the development account's grant or deletes the key. So a
 * restore from another account's snapshot must re-encrypt with a key of this account, and the key
 * it names must not be the sharing account's.
 */
public final class RestoreKey {
  private RestoreKey() {}

  /**
   * Exit 2 before anything is created when a restore from another account's snapshot would keep
   * that account's key.
   *
   * @param kmsKey the --kms-key given; null when none
   * @param snapshot the snapshot's id or ARN, for the message
   * @param snapshotAccount the account that owns the snapshot
   * @param ownAccount this (development) account
   * @param awsManagedAlias this service's AWS-managed key alias (alias/aws/rds, alias/aws/ebs),
   *     offered in the message as the simplest key of this account
   */
  public static void check(
      String kmsKey,
      String snapshot,
      String snapshotAccount,
      String ownAccount,
      String awsManagedAlias) {
    if (snapshotAccount == null || ownAccount == null || snapshotAccount.equals(ownAccount)) {
      return;
    }
    if (kmsKey == null || kmsKey.isBlank()) {
      throw JobException.invalidInput(
          "--kms-key is required: snapshot "
              + snapshot
              + " is shared by account "
              + snapshotAccount
              + ", whose key the restored copy would keep depending on; give a key of this"
              + " account ("
              + awsManagedAlias
              + " will do)");
    }
    String keyAccount = accountOf(kmsKey);
    if (snapshotAccount.equals(keyAccount)) {
      throw JobException.invalidInput(
          "--kms-key "
              + kmsKey
              + " is a key of account "
              + snapshotAccount
              + ", which shares the snapshot; give a key of this account ("
              + awsManagedAlias
              + " will do)");
    }
  }

  /** The account of a key or alias ARN; null for a key id or an alias name (this account's). */
  static String accountOf(String key) {
    if (!key.startsWith("arn:")) {
      return null;
    }
    String[] parts = key.split(":", 6);
    return parts.length > 4 && !parts[4].isEmpty() ? parts[4] : null;
  }
}
