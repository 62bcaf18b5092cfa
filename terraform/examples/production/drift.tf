# Rules drift by day: the same jobs' images run `rules diff` read-only against a MongoDB secondary
# and the Aurora readers, with the rules the nightly masking uses, and publish a ready-to-review
# YAML patch to the failures topic for anything the rules do not declare yet — hours before the
# nightly run would refuse it. docs/rules.md, "Drift: from found to fixed".

locals {
  drift_aurora = var.drift == null ? [] : [for c in var.drift.aurora : {
    cluster                = c.cluster
    rules                  = one([for a in var.aurora_clusters : a.rules if a.cluster == c.cluster])
    jdbc_url               = c.jdbc_url
    credentials_secret_arn = c.credentials_secret_arn
  }]
  drift_mongo = try(var.drift.mongo_uri_secret_arn, null) == null ? null : {
    uri_secret_arn = var.drift.mongo_uri_secret_arn
    rules          = var.mongo.rules
    sample         = var.drift.mongo_sample
  }
  # What the jobs read for the drift check, beside what the nightly run reads (iam.tf).
  drift_aurora_statements = length(local.drift_aurora) == 0 ? [] : [{
    sid       = "DriftReaderCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [for c in local.drift_aurora : c.credentials_secret_arn]
  }]
  drift_mongo_statements = local.drift_mongo == null ? [] : [{
    sid       = "DriftSecondaryUri"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.drift_mongo.uri_secret_arn]
  }]
}

module "drift" {
  count  = var.drift == null ? 0 : 1
  source = "../../modules/pipeline"

  name     = "drift"
  workflow = "drift"
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

  drift = {
    mongo  = local.drift_mongo
    aurora = local.drift_aurora
  }
  # A full scan of a large collection takes a while; the check must end well before the night.
  timeouts                  = { aurora = 7200, mongo = 14400 }
  execution_timeout_seconds = 21600

  schedule = {
    expression  = var.drift.schedule_expression
    timezone    = var.schedule_timezone
    description = "Rules drift check by day: a ready patch before the nightly run refuses."
  }

  tags = local.tags
}
