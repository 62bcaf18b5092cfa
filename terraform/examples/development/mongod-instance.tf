# How a target's development mongod instance is launched (an example): a launch template per
# target with MongoDB, whose user data installs the service mongod-restored. mongo-restore swaps
# the data volume at data_device (its --device, /dev/sdf) while the instance is stopped; on every
# boot the service mounts it (never formats it), runs mongod standalone with authorization on, and
# while the restored data has no users (masked snapshots carry none) creates development's users
# through the localhost exception from the target's mongo_users_secret. The first of those users
# is the admin that creates the others; the user in mongo_uri_secret (mongo-restore's verification)
# must be among them (readAnyDatabase and clusterMonitor in admin suffice).
#
# An instance launched from the template is the target's mongo_instance; it must carry
# dbrestore:managed=true (the template tags it) for mongo-restore to stop it and swap its volume.

locals {
  mongo_targets = { for k, t in var.targets : k => t if t.mongo_instance != null }
}

resource "aws_iam_role" "mongod" {
  for_each = local.mongo_targets

  name = "dbrestore-${each.key}-mongod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = merge(local.tags, { "dbrestore:target" = each.key })
}

# The boot script reads the target's users secret; nothing else.
resource "aws_iam_role_policy" "mongod" {
  for_each = local.mongo_targets

  name = "read-users-secret"
  role = aws_iam_role.mongod[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "DevelopmentUsersSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = [each.value.mongo_users_secret]
    }]
  })
}

resource "aws_iam_instance_profile" "mongod" {
  for_each = local.mongo_targets

  name = "dbrestore-${each.key}-mongod"
  role = aws_iam_role.mongod[each.key].name
  tags = merge(local.tags, { "dbrestore:target" = each.key })
}

resource "aws_launch_template" "mongod" {
  for_each = local.mongo_targets

  name          = "dbrestore-${each.key}-mongod"
  description   = "dbrestore ${each.key}: mongod on the masked copy mongo-restore swaps in at ${var.mongo_instance.data_device}"
  image_id      = var.mongo_instance.ami_id
  instance_type = var.mongo_instance.instance_type
  user_data = base64encode(templatefile("${path.module}/templates/mongod-instance.sh.tftpl", {
    target           = each.key
    region           = var.region
    mongodb_version  = var.mongo_instance.mongodb_version
    data_device      = var.mongo_instance.data_device
    users_secret_arn = each.value.mongo_users_secret
  }))

  iam_instance_profile {
    name = aws_iam_instance_profile.mongod[each.key].name
  }

  # IMDSv2 only: the boot script takes a token for the private IP.
  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "dbrestore-${each.key}-mongod", "dbrestore:target" = each.key, "dbrestore:managed" = "true" })
  }

  tags = merge(local.tags, { "dbrestore:target" = each.key })
}
