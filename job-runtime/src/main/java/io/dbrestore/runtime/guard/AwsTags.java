package io.dbrestore.runtime.guard;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.TagDescription;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/** Tag lookups for the resources dbrestore changes. */
public final class AwsTags {
  private AwsTags() {}

  /** An EC2 volume, instance or snapshot, by id ({@code vol-…}, {@code i-…}, {@code snap-…}). */
  public static TagLookup ec2(Ec2Client ec2, String resourceId) {
    return () -> {
      Map<String, String> tags = new LinkedHashMap<>();
      for (TagDescription t :
          ec2.describeTagsPaginator(
                  r -> r.filters(Filter.builder().name("resource-id").values(resourceId).build()))
              .tags()) {
        tags.put(t.key(), t.value());
      }
      return tags;
    };
  }

  /** An RDS cluster, instance or snapshot, by ARN. */
  public static TagLookup rds(RdsClient rds, String arn) {
    return () -> {
      Map<String, String> tags = new LinkedHashMap<>();
      for (Tag t : rds.listTagsForResource(r -> r.resourceName(arn)).tagList()) {
        tags.put(t.key(), t.value());
      }
      return tags;
    };
  }
}
