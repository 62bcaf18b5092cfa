# Development account: a restore pipeline per target (develop, edge, report nightly; release
# every 14 days, disabled, started by QA), temporary databases on demand with a TTL, and the
# teardown pipeline that deletes them.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  tags       = { "dbrestore:environment" = "development" }

  # The guard lets the jobs destroy only the targets' own resources, and this account is the
  # production account for no operation; the production account is protected everywhere.
  guard_environment = {
    DBRESTORE_TARGET_ALLOWLIST  = "(develop|edge|report|release|tmp)-.*|i-0d.*|vol-.*"
    DBRESTORE_PROTECTED_ACCOUNT = var.production_account_id
  }
  secrets = var.sentry_dsn_secret_arn == null ? {} : { SENTRY_DSN = var.sentry_dsn_secret_arn }
  # The images' ECR repositories (dbrestore/<job> of the registry's account and region): the
  # execution roles may pull only from them. null when image_registry is not ECR (public images).
  ecr_registry = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com$", var.image_registry), null)
  ecr_repository_arns = { for job in ["aurora-restore", "mongo-restore", "atlas-restore"] :
    job => local.ecr_registry == null ? null : "arn:${local.partition}:ecr:${local.ecr_registry[1]}:${local.ecr_registry[0]}:repository/dbrestore/${job}"
  }
  network = {
    cluster_arn        = aws_ecs_cluster.this.arn
    subnet_ids         = var.subnet_ids
    security_group_ids = var.task_security_group_ids
  }
  jobs = {
    "aurora-restore" = module.aurora_restore
    "mongo-restore"  = module.mongo_restore
    "atlas-restore"  = module.atlas_restore
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

module "notifications" {
  source              = "../../modules/notifications"
  name                = "dbrestore-development-failures"
  email_subscriptions = var.notification_emails
  tags                = local.tags
}

module "aurora_restore" {
  source = "../../modules/ecs-job"

  sentry_environment = "development"

  name               = "aurora-restore"
  image              = "${var.image_registry}/dbrestore/aurora-restore:${var.image_tag}"
  ecr_repository_arn = local.ecr_repository_arns["aurora-restore"]
  cpu                = 1024
  memory             = 2048
  environment = merge(local.guard_environment, {
    DBRESTORE_MASTER_PASSWORD_SECRET = var.master_password_secret_arn
  })
  secrets              = local.secrets
  task_role_statements = local.aurora_restore_statements
  tags                 = local.tags
}

module "mongo_restore" {
  source = "../../modules/ecs-job"

  sentry_environment = "development"

  name                 = "mongo-restore"
  image                = "${var.image_registry}/dbrestore/mongo-restore:${var.image_tag}"
  ecr_repository_arn   = local.ecr_repository_arns["mongo-restore"]
  environment          = local.guard_environment
  secrets              = local.secrets
  task_role_statements = local.mongo_restore_statements
  tags                 = local.tags
}

module "atlas_restore" {
  source = "../../modules/ecs-job"

  sentry_environment = "development"

  name                 = "atlas-restore"
  image                = "${var.image_registry}/dbrestore/atlas-restore:${var.image_tag}"
  ecr_repository_arn   = local.ecr_repository_arns["atlas-restore"]
  cpu                  = 256
  memory               = 1024
  environment          = local.guard_environment
  secrets              = local.secrets
  task_role_statements = local.atlas_restore_statements
  tags                 = local.tags
}

module "target" {
  source   = "../../modules/pipeline"
  for_each = var.targets

  name           = each.key
  workflow       = "restore"
  target         = each.key
  ecs            = local.network
  jobs           = local.jobs
  source_account = var.production_account_id
  kms_key_arn    = aws_kms_key.restores.arn

  restore = {
    aurora = {
      cluster             = each.value.aurora_cluster
      source_cluster_name = var.monolith_source_cluster
    }
    mongo = each.value.mongo_instance == null ? null : {
      instance_id          = each.value.mongo_instance
      mongo_uri_secret_arn = each.value.mongo_uri_secret
    }
    atlas = each.value.atlas_cluster == null ? null : {
      source_project         = var.atlas_source.project
      source_cluster         = var.atlas_source.cluster
      target_project         = each.value.atlas_project
      target_cluster         = each.value.atlas_cluster
      credentials_secret_arn = var.atlas_credentials_secret_arn
    }
    microservices = each.value.microservices
  }

  notification_topic_arn = module.notifications.topic_arn

  schedule_dead_letter_queue_arn = module.notifications.schedule_dead_letter_queue_arn
  schedule = {
    expression  = each.value.schedule
    timezone    = "Europe/Berlin"
    enabled     = each.value.schedule_enabled
    description = "Restores ${each.key}."
  }

  tags = merge(local.tags, { "dbrestore:target" = each.key })
}

module "teardown" {
  source = "../../modules/pipeline"

  name                   = "teardown"
  workflow               = "teardown"
  ecs                    = local.network
  jobs                   = local.jobs
  notification_topic_arn = module.notifications.topic_arn

  schedule_dead_letter_queue_arn = module.notifications.schedule_dead_letter_queue_arn

  # The daily sweep: every temporary database whose expiry passed, should a one-time schedule
  # have been lost.
  schedule = {
    expression  = "cron(0 7 * * ? *)"
    timezone    = "Europe/Berlin"
    description = "Deletes temporary databases whose time to live has passed."
  }

  tags = local.tags
}

module "temporary" {
  source = "../../modules/pipeline"

  name                   = "temporary"
  workflow               = "temporary"
  ecs                    = local.network
  jobs                   = local.jobs
  source_account         = var.production_account_id
  kms_key_arn            = aws_kms_key.restores.arn
  notification_topic_arn = module.notifications.topic_arn

  schedule_dead_letter_queue_arn = module.notifications.schedule_dead_letter_queue_arn

  temporary = {
    source_cluster_name         = var.monolith_source_cluster
    extra_args                  = ["--instance-class", var.temporary_instance_class]
    teardown_state_machine_arn  = module.teardown.state_machine_arn
    teardown_scheduler_role_arn = module.teardown.scheduler_role_arn
  }

  tags = local.tags
}

module "stop_tasks" {
  source = "../../modules/stop-tasks"

  state_machine_arns = concat(
    [for t in module.target : t.state_machine_arn],
    [module.teardown.state_machine_arn, module.temporary.state_machine_arn],
  )
  ecs_cluster_arns = [aws_ecs_cluster.this.arn]
  tags             = local.tags
}

# State from when the module was called cleanup; the resources keep their names.
moved {
  from = module.cleanup
  to   = module.stop_tasks
}
