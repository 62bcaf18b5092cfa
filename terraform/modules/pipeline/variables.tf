variable "name" {
  description = "Name of the pipeline, e.g. \"develop\"; the state machine is <name_prefix>-<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name))
    error_message = "name must be lower-case letters, digits and hyphens, starting with a letter, at most 41 characters."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "dbrestore"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and contain at most 31 letters, digits and hyphens."
  }
}

variable "workflow" {
  description = "Which state machine: masked-snapshots (production: MongoDB and Aurora masked snapshots), drift (production, by day: which fields and columns the rules do not declare yet), restore (development: one target), temporary (development: a temporary database with a TTL), teardown (development: delete temporary databases)."
  type        = string

  validation {
    condition     = contains(["masked-snapshots", "drift", "restore", "temporary", "teardown"], var.workflow)
    error_message = "workflow must be one of masked-snapshots, drift, restore, temporary, teardown."
  }
}

variable "target" {
  description = "The environment label the jobs run for (DBRESTORE_TARGET): develop, edge, report, release, or production for masked snapshots. Ignored by temporary and teardown, whose target is the cluster name."
  type        = string
  default     = null

  validation {
    condition     = var.target == null || can(regex("^[a-z][a-z0-9-]{0,40}$", var.target))
    error_message = "target must be lower-case letters, digits and hyphens."
  }
}

variable "ecs" {
  description = "Where the job tasks run: ECS cluster ARN and the awsvpc network of the tasks (private subnets; security groups that reach the databases and the AWS APIs)."
  type = object({
    cluster_arn        = string
    subnet_ids         = list(string)
    security_group_ids = list(string)
    assign_public_ip   = optional(bool, false)
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.ecs.cluster_arn))
    error_message = "ecs.cluster_arn must be an ECS cluster ARN."
  }

  validation {
    condition     = length(var.ecs.subnet_ids) > 0 && length(var.ecs.security_group_ids) > 0
    error_message = "ecs needs at least one subnet and one security group."
  }
}

variable "jobs" {
  description = "The job task definitions the pipeline may run, keyed by job name (outputs of the ecs-job module)."
  type = map(object({
    task_definition_arn = string
    task_role_arn       = string
    execution_role_arn  = string
  }))

  validation {
    condition     = alltrue([for k in keys(var.jobs) : contains(local.job_names, k)])
    error_message = "jobs keys must be job names: ${join(", ", local.job_names)}."
  }
}

variable "notification_topic_arn" {
  description = "SNS topic that receives a message for every failed step, with the exit-code name and the log link."
  type        = string
}

variable "schedule_dead_letter_queue_arn" {
  description = "SQS queue for the events EventBridge Scheduler cannot deliver after its retries (the pipeline's schedule, the temporary pipeline's one-time teardown schedules): a run that was not started is never silent. The notifications module makes one, with an alarm to the failure topic."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", var.schedule_dead_letter_queue_arn))
    error_message = "schedule_dead_letter_queue_arn must be an SQS queue ARN (the notifications module's schedule_dead_letter_queue_arn)."
  }
}

variable "notification_kms_key_arn" {
  description = "KMS key of the notification topic when it is encrypted with a customer-managed key."
  type        = string
  default     = null
}

variable "heartbeat_seconds" {
  description = "HeartbeatSeconds of every job state: a task silent for this long is treated as lost (States.HeartbeatTimeout, retried). At least 3x the jobs' heartbeat interval."
  type        = number
  default     = 300
}

variable "job_heartbeat_seconds" {
  description = "The jobs' heartbeat interval (DBRESTORE_HEARTBEAT_SECONDS of the ecs-job module)."
  type        = number
  default     = 60

  validation {
    condition     = var.job_heartbeat_seconds >= 10
    error_message = "job_heartbeat_seconds must be at least 10."
  }
}

variable "timeouts" {
  description = "TimeoutSeconds per job step. Each job gets --timeout 10 minutes shorter, so it stops itself, cleans up and reports TIMED_OUT before Step Functions gives up on it."
  type = object({
    aurora = optional(number, 21600)
    mongo  = optional(number, 18000)
    atlas  = optional(number, 10800)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.timeouts) : v >= 1200 && v <= 86400])
    error_message = "timeouts must be between 1200 (20 minutes) and 86400 (a day) seconds."
  }
}

variable "execution_timeout_seconds" {
  description = "TimeoutSeconds of the whole execution."
  type        = number
  default     = 43200
}

variable "retry" {
  description = "Retries of job steps. Infrastructure errors (RunTask failures, capacity, throttling) are retried up to infrastructure_max_attempts times; a task lost without a word (States.HeartbeatTimeout: crashed, image not pulled) up to lost_task_max_attempts; an unexpected FAULT up to fault_max_attempts (the jobs are idempotent). REFUSED, VERIFICATION_FAILED, INVALID_INPUT, TIMED_OUT and CANCELLED are never retried."
  type = object({
    infrastructure_max_attempts = optional(number, 4)
    lost_task_max_attempts      = optional(number, 2)
    fault_max_attempts          = optional(number, 1)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.retry) : v >= 0 && v <= 10])
    error_message = "retry attempts must be between 0 and 10."
  }
}

variable "source_account" {
  description = "Development workflows: the production account that shares the masked snapshots."
  type        = string
  default     = null

  validation {
    condition     = var.source_account == null || can(regex("^[0-9]{12}$", var.source_account))
    error_message = "source_account must be a 12-digit AWS account id."
  }
}

variable "kms_key_arn" {
  description = "Development workflows (restore, temporary): a KMS key of this account that the restored Aurora clusters and MongoDB volumes are re-encrypted with (--kms-key), so that no environment depends on production's sharing key, which production may rotate or revoke. Required when the pipeline restores Aurora or MongoDB."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key (or alias) of this account."
  }

  validation {
    condition     = var.kms_key_arn == null || var.source_account == null || try(split(":", var.kms_key_arn)[4] != var.source_account, true)
    error_message = "kms_key_arn is a key of the production (source) account: give a key of this development account, so that the restored copies do not depend on production's key."
  }

  validation {
    condition = var.kms_key_arn != null || !(
      var.workflow == "temporary" ||
      (var.workflow == "restore" && (try(var.restore.aurora, null) != null || try(var.restore.mongo, null) != null || length(try(var.restore.microservices, [])) > 0))
    )
    error_message = "kms_key_arn is required to restore Aurora or MongoDB: a key of this account the restored copies are re-encrypted with (restored without one, they keep depending on production's sharing key)."
  }
}

variable "max_age" {
  description = "Development workflows: refuse (exit 3) a masked snapshot older than this (job duration, e.g. 20h). null: 20h for restore (shorter than the day between two production snapshots, so yesterday's is never restored silently), 36h for temporary (created at any hour)."
  type        = string
  default     = null

  validation {
    condition     = var.max_age == null || can(regex("^[0-9]+[smhd]$", var.max_age))
    error_message = "max_age must be a duration like 20h or 2d."
  }
}

variable "wait_for_snapshot_minutes" {
  description = "workflow = restore: when the newest masked snapshot is older than max_age (production has not finished tonight's yet), the jobs look again every minute for this long before refusing (--wait-for-snapshot); the target keeps its data if none comes. Counts against the step's timeout."
  type        = number
  default     = 120

  validation {
    condition     = var.wait_for_snapshot_minutes >= 0 && floor(var.wait_for_snapshot_minutes) == var.wait_for_snapshot_minutes
    error_message = "wait_for_snapshot_minutes must be a whole number of minutes, 0 or more."
  }

  validation {
    condition     = var.workflow != "restore" || var.wait_for_snapshot_minutes * 60 <= min(var.timeouts.aurora, var.timeouts.mongo) / 2
    error_message = "wait_for_snapshot_minutes must leave at least half of the Aurora and MongoDB step timeouts (var.timeouts) for the restore itself."
  }
}

variable "restore" {
  description = "workflow = restore: what the target's pipeline restores. Each branch is optional; microservices is the Map over the microservice clusters."
  type = object({
    aurora = optional(object({
      cluster             = string
      source_cluster_name = string
      strategy            = optional(string, "swap")
      extra_args          = optional(list(string), [])
    }))
    mongo = optional(object({
      instance_id          = string
      mongo_uri_secret_arn = string
      extra_args           = optional(list(string), [])
    }))
    atlas = optional(object({
      source_project         = string
      source_cluster         = string
      target_project         = string
      target_cluster         = string
      credentials_secret_arn = string
      extra_args             = optional(list(string), [])
    }))
    microservices = optional(list(object({
      cluster             = string
      source_cluster_name = string
      strategy            = optional(string, "swap")
    })), [])
    microservice_concurrency = optional(number, 4)
  })
  default = null

  validation {
    condition = var.restore == null || alltrue(concat(
      [for a in compact([try(var.restore.aurora.strategy, "")]) : contains(["swap", "replace"], a)],
      [for m in try(var.restore.microservices, []) : contains(["swap", "replace"], m.strategy)],
    ))
    error_message = "restore strategies must be swap or replace."
  }
}

variable "masked_snapshots" {
  description = "workflow = masked-snapshots: the MongoDB masked snapshot and the Aurora clusters holding personal data (a Map over clusters), and the development accounts the snapshots are shared with."
  type = object({
    share_with = list(string)
    mongo = optional(object({
      source_volume     = optional(string)
      source_volume_tag = optional(string)
      instance_id       = string
      kms_key_arn       = string
      rules             = string
      retention         = optional(number, 7)
      extra_args        = optional(list(string), [])
      # The masked copy is written into a second mongod on a new blank volume attached here;
      # only that volume is snapshotted and shared (--published-device).
      published_device = optional(string, "/dev/sdg")
      # Secrets Manager secret holding the URI of that second mongod (--published-uri-secret).
      published_uri_secret_arn = string
    }))
    aurora = optional(object({
      clusters = list(object({
        cluster        = string
        rules          = string
        instance_class = optional(string, "db.r6g.large")
      }))
      db_subnet_group    = string
      security_group_ids = list(string)
      kms_key_arn        = string
      retention          = optional(number, 7)
      concurrency        = optional(number, 4)
    }))
  })
  default = null

  validation {
    condition     = var.masked_snapshots == null || alltrue([for a in try(var.masked_snapshots.share_with, []) : can(regex("^[0-9]{12}$", a))])
    error_message = "masked_snapshots.share_with must list 12-digit development account ids."
  }

  validation {
    condition     = var.masked_snapshots == null || try(var.masked_snapshots.mongo, null) == null || (try(var.masked_snapshots.mongo.source_volume, null) == null) != (try(var.masked_snapshots.mongo.source_volume_tag, null) == null)
    error_message = "masked_snapshots.mongo needs exactly one of source_volume and source_volume_tag."
  }

  validation {
    condition     = try(var.masked_snapshots.mongo, null) == null ? true : can(regex("^/dev/(sd|xvd)[b-z]$", var.masked_snapshots.mongo.published_device))
    error_message = "masked_snapshots.mongo.published_device must be a data volume device name such as /dev/sdg."
  }

  validation {
    # The working copy sits at --device (/dev/sdf unless extra_args name another): the blank volume
    # must go elsewhere.
    condition     = try(var.masked_snapshots.mongo, null) == null ? true : var.masked_snapshots.mongo.published_device != try(var.masked_snapshots.mongo.extra_args[index(var.masked_snapshots.mongo.extra_args, "--device") + 1], "/dev/sdf")
    error_message = "masked_snapshots.mongo.published_device must differ from the working copy's --device (/dev/sdf unless extra_args give another)."
  }

  validation {
    condition     = try(var.masked_snapshots.mongo, null) == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.masked_snapshots.mongo.published_uri_secret_arn))
    error_message = "masked_snapshots.mongo.published_uri_secret_arn must be a Secrets Manager secret ARN."
  }

  validation {
    condition     = try(var.masked_snapshots.mongo, null) == null ? true : length(setintersection(toset(var.masked_snapshots.mongo.extra_args), toset(["--published-device", "--published-uri", "--published-uri-secret"]))) == 0
    error_message = "masked_snapshots.mongo.extra_args must not repeat --published-device, --published-uri or --published-uri-secret: set published_device and published_uri_secret_arn."
  }
}

variable "temporary" {
  description = "workflow = temporary: the production cluster whose masked snapshot temporary databases start from, extra restore arguments, and the teardown pipeline the one-time schedule starts (its state machine and scheduler role)."
  type = object({
    source_cluster_name         = string
    extra_args                  = optional(list(string), [])
    teardown_state_machine_arn  = string
    teardown_scheduler_role_arn = string
    default_ttl_hours           = optional(number, 24)
    max_ttl_hours               = optional(number, 720)
    schedule_group              = optional(string, "default")
  })
  default = null
}

variable "one_time_schedule_group" {
  description = "workflow = teardown: the EventBridge Scheduler group of the temporary pipeline's one-time schedules (teardown-<cluster>; its temporary.schedule_group): tearing a temporary cluster down by name deletes its schedule, so it does not fire later."
  type        = string
  default     = "default"

  validation {
    condition     = can(regex("^[0-9a-zA-Z-_.]{1,64}$", var.one_time_schedule_group))
    error_message = "one_time_schedule_group must be a schedule group name (letters, digits, - _ .)."
  }
}

variable "schedule" {
  description = "EventBridge Scheduler schedule that starts the pipeline, e.g. cron(0 1 * * ? *) or rate(14 days); null for none (started by hand). input is the execution input; \"{}\" is the normal run."
  type = object({
    expression  = string
    timezone    = optional(string, "UTC")
    enabled     = optional(bool, true)
    input       = optional(string, "{}")
    description = optional(string)
  })
  default = null

  validation {
    condition     = var.schedule == null || can(regex("^(cron\\(.+\\)|rate\\([0-9]+ (minute|minutes|hour|hours|day|days)\\)|at\\([0-9T:-]+\\))$", var.schedule.expression))
    error_message = "schedule.expression must be cron(...), rate(N unit) or at(yyyy-mm-ddThh:mm:ss)."
  }

  validation {
    condition     = var.schedule == null || can(jsondecode(var.schedule.input))
    error_message = "schedule.input must be JSON."
  }
}

variable "log_level" {
  description = "Step Functions execution logging level."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.log_level)
    error_message = "log_level must be ALL, ERROR, FATAL or OFF."
  }
}

variable "log_retention_days" {
  description = "Retention of the state machine's log group in days."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags of every resource the module creates."
  type        = map(string)
  default     = {}
}

variable "drift" {
  description = "workflow = drift: `rules diff` by day, read-only, against a MongoDB secondary and Aurora readers with the production rules; each branch that finds something the rules do not declare publishes the ready-to-review YAML patch to the notification topic, hours before the nightly masking would refuse it. mongo.uri_secret_arn: a secret holding a MongoDB URI that reads from a secondary (readPreference=secondary); sample: documents per collection (null: full scan). aurora[*].jdbc_url: the reader endpoint (jdbc:postgresql://<cluster>.cluster-ro-…:5432/<db> or jdbc:mysql://…); credentials_secret_arn: a secret with username and password of a read-only user."
  type = object({
    mongo = optional(object({
      uri_secret_arn = string
      rules          = string
      sample         = optional(number)
      extra_args     = optional(list(string), [])
    }))
    aurora = optional(list(object({
      cluster                = string
      rules                  = string
      jdbc_url               = string
      credentials_secret_arn = string
    })), [])
    concurrency = optional(number, 2)
  })
  default = null

  validation {
    condition     = var.drift == null || alltrue([for c in try(var.drift.aurora, []) : can(regex("^jdbc:(postgresql|mysql|mariadb)://[^'{}\\\\\\s]+$", c.jdbc_url))])
    error_message = "drift.aurora[*].jdbc_url must be a jdbc:postgresql://, jdbc:mysql:// or jdbc:mariadb:// URL of the reader endpoint (no quotes, braces or blanks)."
  }

  validation {
    condition     = coalesce(try(var.drift.mongo.sample, null), 1) >= 1
    error_message = "drift.mongo.sample must be at least 1 document per collection, or null for a full scan."
  }
}
