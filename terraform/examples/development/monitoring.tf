# Monitoring of the development account (../../modules/monitoring): a dashboard; alarms to the
# failure topic when a nightly target was not refreshed in time and when an execution of a
# pipeline or of the stop-tasks machine failed; Sentry events for failures outside the jobs (a task
# that did not start, a container killed).
#
# The alarms read the jobs' EMF metric Refreshed (namespace dbrestore, dimensions Job and Target):
# Target is the pipeline's target (DBRESTORE_TARGET: develop, edge, ...) for every step of it, so
# there is one alarm per target and job — "no aurora-restore restore of develop succeeded in 28
# hours". A single microservice cluster that failed while the monolith's succeeded is not this
# alarm's: its execution failed (dbrestore.BranchesFailed), which the execution alarm and the
# branch's notification report. Only targets with an enabled schedule are watched (release is
# started by hand).

variable "refresh_max_age_hours" {
  description = "A nightly target must have been refreshed within this many hours (2-168); 28 leaves four hours' slack for a slow night or a wait for production's snapshot."
  type        = number
  default     = 28
}

locals {
  nightly_targets = { for name, t in var.targets : name => t if t.schedule_enabled }
}

module "monitoring" {
  source = "../../modules/monitoring"

  environment            = "development"
  notification_topic_arn = module.notifications.topic_arn
  pipelines = merge(
    { for name, t in module.target : name => t.state_machine_arn },
    { temporary = module.temporary.state_machine_arn, teardown = module.teardown.state_machine_arn },
  )
  stop_tasks_state_machine_arn = module.stop_tasks.state_machine_arn
  ecs_cluster_arn              = aws_ecs_cluster.this.arn

  freshness = flatten([for name, t in local.nightly_targets : concat(
    t.aurora_cluster == null && length(t.microservices) == 0 ? [] : [{ metric = "Refreshed", job = "aurora-restore", target = name, max_age_hours = var.refresh_max_age_hours }],
    t.mongo_instance == null ? [] : [{ metric = "Refreshed", job = "mongo-restore", target = name, max_age_hours = var.refresh_max_age_hours }],
    t.atlas_cluster == null ? [] : [{ metric = "Refreshed", job = "atlas-restore", target = name, max_age_hours = var.refresh_max_age_hours }],
  )])

  sentry = var.sentry_dsn_secret_arn == null ? null : { dsn_secret_arn = var.sentry_dsn_secret_arn }
  tags   = local.tags
}

output "dashboard_name" {
  description = "The CloudWatch dashboard of this account."
  value       = module.monitoring.dashboard_name
}

output "alarm_names" {
  description = "Every alarm of this account, by kind (see docs/operations.md, Alarms)."
  value       = module.monitoring.alarm_names
}

output "sentry_event_rules" {
  description = "The Sentry rules as deployed (event pattern, input transformer): terraform/test/sentry-events.test.mjs applies them to AWS's sample events."
  value       = module.monitoring.sentry_event_rules
}
