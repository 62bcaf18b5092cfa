variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "dbrestore"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name_prefix))
    error_message = "name_prefix is up to 20 lower-case letters, digits and hyphens, starting with a letter (it goes into alarm, rule and connection names)."
  }
}

variable "environment" {
  description = "The account's environment (production, development): in every name, the dashboard's title and, unless sentry.environment says otherwise, the Sentry environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.environment))
    error_message = "environment is a short lower-case name such as production or development."
  }
}

variable "notification_topic_arn" {
  description = "SNS topic every alarm publishes to (the notifications module's topic_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be an SNS topic ARN (the notifications module's topic_arn)."
  }
}

variable "pipelines" {
  description = "The pipelines' state machines, by pipeline name (develop, masked-snapshots, ...): an alarm each on failed, timed-out and aborted executions, a dashboard row, and (with sentry) a Sentry event for each execution that fails or times out."
  type        = map(string)

  validation {
    condition     = length(var.pipelines) > 0
    error_message = "pipelines needs at least one state machine (name => ARN)."
  }

  validation {
    condition     = alltrue([for name, arn in var.pipelines : can(regex("^[a-z0-9][a-z0-9-]{0,39}$", name)) && can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]+$", arn))])
    error_message = "pipelines maps a pipeline name (lower-case letters, digits, hyphens; at most 40) to its state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)."
  }
}

variable "stop_tasks_state_machine_arn" {
  description = "The stop-tasks state machine (the stop-tasks module's state_machine_arn): an alarm when one of its executions fails, times out or is aborted, since the ECS tasks of an ended pipeline execution may then still run."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]+$", var.stop_tasks_state_machine_arn))
    error_message = "stop_tasks_state_machine_arn must be a state machine ARN (the stop-tasks module's state_machine_arn)."
  }
}

variable "ecs_cluster_arn" {
  description = "The ECS cluster the pipelines run their job tasks in: the Sentry rules listen to its tasks only."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.ecs_cluster_arn))
    error_message = "ecs_cluster_arn must be an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)."
  }
}

variable "freshness" {
  description = <<-EOT
    What must have succeeded recently, one alarm each: metric Refreshed (a development target was
    restored: jobs aurora-restore, mongo-restore, atlas-restore) or SnapshotPublished (production made
    and shared a masked snapshot: jobs aurora-restore, mongo-mask-snapshot), the job and the Target
    dimension the job emits, and max_age_hours: the alarm goes off when no success was recorded in
    that many hours (whole hours, 2 to 168; see the README for the exact meaning).
  EOT
  type = list(object({
    metric        = string
    job           = string
    target        = string
    max_age_hours = number
  }))
  default = []

  validation {
    condition     = alltrue([for f in var.freshness : contains(["Refreshed", "SnapshotPublished"], f.metric)])
    error_message = "freshness[].metric is Refreshed (a development target was restored) or SnapshotPublished (production shared a masked snapshot)."
  }

  validation {
    condition = alltrue([for f in var.freshness : contains(
      f.metric == "Refreshed" ? ["aurora-restore", "mongo-restore", "atlas-restore"] : ["aurora-restore", "mongo-mask-snapshot"], f.job
    )])
    error_message = "freshness[].job must emit the metric: Refreshed comes from aurora-restore, mongo-restore and atlas-restore; SnapshotPublished from aurora-restore and mongo-mask-snapshot."
  }

  validation {
    condition     = alltrue([for f in var.freshness : f.max_age_hours == floor(f.max_age_hours) && f.max_age_hours >= 2 && f.max_age_hours <= 168])
    error_message = "freshness[].max_age_hours is a whole number of hours from 2 to 168: the alarm looks at that many one-hour periods, and CloudWatch evaluates at most 7 days (period x evaluation periods <= 604,800 s)."
  }

  validation {
    condition     = alltrue([for f in var.freshness : can(regex("^[A-Za-z0-9._-]{1,100}$", f.target))])
    error_message = "freshness[].target is the Target dimension the job emits (a cluster, instance or target name: letters, digits, '.', '_', '-')."
  }

  validation {
    condition     = length(distinct([for f in var.freshness : "${f.metric}/${f.job}/${f.target}"])) == length(var.freshness)
    error_message = "freshness lists each metric, job and target once."
  }
}

variable "masking" {
  description = <<-EOT
    The masking-time budget (production): budget_minutes is how long masking may take so the masked
    snapshot is shared before the development restores start; the alarm goes off when MaskingSeconds
    (the night's maximum) exceeded warn_share of the budget on nights_to_alarm of the last nights
    nights (at most 7). series: the job and Target of each masking run (mongo-mask-snapshot, and
    aurora-restore per cluster). null: no masking alarm (development).
  EOT
  type = object({
    budget_minutes  = number
    warn_share      = optional(number, 0.8)
    nights          = optional(number, 7)
    nights_to_alarm = optional(number, 3)
    series          = list(object({ job = string, target = string }))
  })
  default = null

  validation {
    condition     = var.masking == null || try(var.masking.budget_minutes >= 10 && var.masking.budget_minutes <= 1440, false)
    error_message = "masking.budget_minutes is between 10 and 1440 (a night)."
  }

  validation {
    condition     = var.masking == null || try(var.masking.warn_share > 0 && var.masking.warn_share <= 1, false)
    error_message = "masking.warn_share is a share of the budget greater than 0 and at most 1 (0.8: warn at 80%)."
  }

  validation {
    condition     = var.masking == null || try(var.masking.nights == floor(var.masking.nights) && var.masking.nights_to_alarm == floor(var.masking.nights_to_alarm) && var.masking.nights_to_alarm >= 1 && var.masking.nights_to_alarm <= var.masking.nights && var.masking.nights <= 7, false)
    error_message = "masking.nights_to_alarm and masking.nights are whole numbers with 1 <= nights_to_alarm <= nights <= 7 (one-day periods; CloudWatch evaluates at most 7 days)."
  }

  validation {
    condition     = var.masking == null || try(length(var.masking.series) > 0 && alltrue([for s in var.masking.series : contains(["aurora-restore", "mongo-mask-snapshot"], s.job) && can(regex("^[A-Za-z0-9._-]{1,100}$", s.target))]), false)
    error_message = "masking.series lists at least one masking run: job aurora-restore or mongo-mask-snapshot, and the Target dimension it emits."
  }
}

variable "sentry" {
  description = <<-EOT
    Sentry for failures outside the jobs' process (a task that failed to start, a container killed for
    memory or ended by a signal, an execution that failed or timed out). dsn_secret_arn: the Secrets
    Manager secret holding the DSN (a plain string; the one the jobs read as SENTRY_DSN); Terraform
    reads it when planning. environment: Sentry's environment (default: var.environment).
    rate_limit_per_second: the API destination's invocation rate. null: no Sentry rules.
  EOT
  type = object({
    dsn_secret_arn        = string
    environment           = optional(string)
    rate_limit_per_second = optional(number, 1)
  })
  default = null

  validation {
    condition     = var.sentry == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.sentry.dsn_secret_arn))
    error_message = "sentry.dsn_secret_arn must be a Secrets Manager secret ARN (the secret holding the Sentry DSN)."
  }

  validation {
    condition     = var.sentry == null || try(var.sentry.rate_limit_per_second >= 1 && var.sentry.rate_limit_per_second <= 300, false)
    error_message = "sentry.rate_limit_per_second is between 1 and 300 (EventBridge API destinations)."
  }
}

variable "tags" {
  description = "Tags of every resource the module creates."
  type        = map(string)
  default     = {}
}
