# Monitoring of the production account (../../modules/monitoring): a dashboard; alarms to the
# failure topic when a masked snapshot was not made and shared in time, when an execution of the
# pipeline or of the stop-tasks machine failed, and when masking trends past the morning deadline;
# Sentry events for failures outside the jobs (a task that did not start, a container killed).
#
# The alarms read the jobs' EMF metrics (namespace dbrestore, dimensions Job and Target): Target is
# the pipeline's target, "production", for every step (each Aurora cluster of the Map too), so
# "not published" is per job: no Aurora masked snapshot at all, or no MongoDB one, in 26 hours. One
# Aurora cluster failing while the others succeed fails the execution (dbrestore.BranchesFailed):
# the execution alarm and the branch's notification report it.

variable "snapshot_max_age_hours" {
  description = "A masked snapshot must have been made and shared within this many hours (2-168), per Aurora cluster and for MongoDB; nightly runs: 26 leaves two hours' slack for a slow night."
  type        = number
  default     = 26
}

variable "masking_budget_minutes" {
  description = "How long masking may take each night: development's restores start 4 hours after production (cron(0 4 * * ? *) against cron(0 0 * * ? *)); masking gets 3 of them, restoring the copy, verifying and sharing the rest. The alarm warns at 80% on 3 of 7 nights."
  type        = number
  default     = 180
}

module "monitoring" {
  source = "../../modules/monitoring"

  environment                  = "production"
  notification_topic_arn       = module.notifications.topic_arn
  pipelines                    = merge({ "masked-snapshots" = module.masked_snapshots.state_machine_arn }, { for m in module.drift : "drift" => m.state_machine_arn })
  stop_tasks_state_machine_arn = module.stop_tasks.state_machine_arn
  ecs_cluster_arn              = aws_ecs_cluster.this.arn

  freshness = concat(
    length(var.aurora_clusters) == 0 ? [] : [{ metric = "SnapshotPublished", job = "aurora-restore", target = "production", max_age_hours = var.snapshot_max_age_hours }],
    [{ metric = "SnapshotPublished", job = "mongo-mask-snapshot", target = "production", max_age_hours = var.snapshot_max_age_hours }],
  )

  masking = {
    budget_minutes = var.masking_budget_minutes
    series = concat(
      length(var.aurora_clusters) == 0 ? [] : [{ job = "aurora-restore", target = "production" }],
      [{ job = "mongo-mask-snapshot", target = "production" }],
    )
  }

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
