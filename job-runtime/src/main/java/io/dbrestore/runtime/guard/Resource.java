package io.dbrestore.runtime.guard;

import java.util.Objects;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * A resource a destructive call would touch: its kind ("ec2 volume", "rds cluster"), the identifier
 * that the target allowlist is matched against, and how to read its tags.
 */
public record Resource(String kind, String id, TagLookup tags) {
  public Resource {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(id);
    Objects.requireNonNull(tags);
  }

  public static Resource ec2(Ec2Client ec2, String kind, String id) {
    return new Resource(kind, id, AwsTags.ec2(ec2, id));
  }

  public static Resource rds(RdsClient rds, String kind, String id, String arn) {
    return new Resource(kind, id, AwsTags.rds(rds, arn));
  }

  @Override
  public String toString() {
    return kind + " " + id;
  }
}
