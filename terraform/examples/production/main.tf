# Production account: the nightly masked snapshots of MongoDB and of every Aurora cluster that
# holds personal data, shared with the development accounts. Nothing unmasked leaves this account.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  tags       = { "dbrestore:environment" = "production" }

  # Destructive calls are refused in this account except on what the jobs made themselves: the
  # temporary clusters and working volumes (tagged dbrestore:managed=true, matching the allowlist).
  guard_environment = {
    DBRESTORE_TARGET_ALLOWLIST = "dbrestore-.*|vol-.*|snap-.*|${aws_instance.masking.id}"
  }
  # Both jobs that mask read the masking key.
  masking_environment = merge(local.guard_environment, {
    DBRESTORE_MASKING_KEY_SECRET = var.masking_key_secret_arn
  })
  secrets = var.sentry_dsn_secret_arn == null ? {} : { SENTRY_DSN = var.sentry_dsn_secret_arn }
  # The images' ECR repositories (dbrestore/<job> of the registry's account and region): the
  # execution roles may pull only from them. null when image_registry is not ECR (public images).
  ecr_registry = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com$", var.image_registry), null)
  ecr_repository_arns = { for job in ["aurora-restore", "mongo-mask-snapshot"] :
    job => local.ecr_registry == null ? null : "arn:${local.partition}:ecr:${local.ecr_registry[1]}:${local.ecr_registry[0]}:repository/dbrestore/${job}"
  }
}

resource "aws_ecs_cluster" "this" {
  name = "dbrestore"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = local.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]
}

module "notifications" {
  source              = "../../modules/notifications"
  name                = "dbrestore-production-failures"
  email_subscriptions = var.notification_emails
  tags                = local.tags
}

module "aurora_restore" {
  source = "../../modules/ecs-job"

  sentry_environment = "production"

  name                 = "aurora-restore"
  image                = "${var.image_registry}/dbrestore/aurora-restore:${var.image_tag}"
  ecr_repository_arn   = local.ecr_repository_arns["aurora-restore"]
  cpu                  = 4096
  memory               = 8192
  environment          = local.masking_environment
  secrets              = local.secrets
  task_role_statements = concat(local.aurora_snapshot_statements, local.drift_aurora_statements)
  tags                 = local.tags
}

module "mongo_mask_snapshot" {
  source = "../../modules/ecs-job"

  sentry_environment = "production"

  name                 = "mongo-mask-snapshot"
  image                = "${var.image_registry}/dbrestore/mongo-mask-snapshot:${var.image_tag}"
  ecr_repository_arn   = local.ecr_repository_arns["mongo-mask-snapshot"]
  cpu                  = 4096
  memory               = 8192
  environment          = local.masking_environment
  secrets              = merge(local.secrets, { DBRESTORE_MONGO_URI = var.mongo_uri_secret_arn })
  task_role_statements = concat(local.mongo_snapshot_statements, local.drift_mongo_statements)
  tags                 = local.tags
}

module "masked_snapshots" {
  source = "../../modules/pipeline"

  name     = "masked-snapshots"
  workflow = "masked-snapshots"
  target   = "production"

  ecs = {
    cluster_arn        = aws_ecs_cluster.this.arn
    subnet_ids         = var.subnet_ids
    security_group_ids = var.task_security_group_ids
  }
  jobs = {
    "aurora-restore"      = module.aurora_restore
    "mongo-mask-snapshot" = module.mongo_mask_snapshot
  }
  notification_topic_arn = module.notifications.topic_arn

  schedule_dead_letter_queue_arn = module.notifications.schedule_dead_letter_queue_arn

  masked_snapshots = {
    share_with = var.development_account_ids
    mongo = {
      source_volume_tag = var.mongo.source_volume_tag
      instance_id       = aws_instance.masking.id
      kms_key_arn       = aws_kms_key.sharing.arn
      rules             = var.mongo.rules
      # The masked copy goes into mongod-published on a blank volume (masking-instance.tf).
      published_device         = var.masking_instance.published_device
      published_uri_secret_arn = var.published_uri_secret_arn
      extra_args               = ["--device", var.masking_instance.source_device]
    }
    aurora = {
      clusters           = var.aurora_clusters
      db_subnet_group    = var.masking_db_subnet_group
      security_group_ids = var.masking_db_security_group_ids
      kms_key_arn        = aws_kms_key.sharing.arn
    }
  }

  schedule = {
    expression  = var.schedule_expression
    timezone    = var.schedule_timezone
    description = "Nightly masked snapshots for development."
  }

  tags = local.tags
}

module "stop_tasks" {
  source = "../../modules/stop-tasks"

  state_machine_arns = concat([module.masked_snapshots.state_machine_arn], module.drift[*].state_machine_arn)
  ecs_cluster_arns   = [aws_ecs_cluster.this.arn]
  tags               = local.tags
}

# State from when the module was called cleanup; the resources keep their names.
moved {
  from = module.cleanup
  to   = module.stop_tasks
}
