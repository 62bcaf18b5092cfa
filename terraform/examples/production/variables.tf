variable "region" {
  description = "AWS region of the production account's databases."
  type        = string
  default     = "eu-west-1"
}

variable "image_registry" {
  description = "Registry holding the job images (dbrestore/<job>)."
  type        = string
  default     = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"
}

variable "image_tag" {
  description = "Tag of the job images to run."
  type        = string
  default     = "0.1.0"
}

variable "development_account_ids" {
  description = "Development accounts the masked snapshots are shared with; nothing else may receive them."
  type        = list(string)
  default     = ["444455556666"]

  validation {
    condition     = length(var.development_account_ids) > 0 && alltrue([for a in var.development_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "development_account_ids must list 12-digit account ids."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the job tasks."
  type        = list(string)
  default     = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
}

variable "task_security_group_ids" {
  description = "Security groups of the job tasks (reach the temporary clusters, the masking instance and the AWS APIs)."
  type        = list(string)
  default     = ["sg-0aaaaaaaaaaaaaaa1"]
}

variable "mongo" {
  description = "The production MongoDB data volume (by tag) and the dedicated masking instance."
  type = object({
    source_volume_tag = string
    instance_id       = string
    rules             = optional(string, "/etc/dbrestore/rules/mongo.yaml")
  })
  default = {
    source_volume_tag = "dbrestore:source=mongo-data"
    instance_id       = "i-0aaaaaaaaaaaaaaa1"
  }
}

variable "aurora_clusters" {
  description = "The Aurora clusters holding personal data: each gets a masked snapshot every night (a Map item each)."
  type = list(object({
    cluster        = string
    rules          = string
    instance_class = optional(string, "db.r6g.large")
  }))
  default = [
    { cluster = "monolith", rules = "/etc/dbrestore/rules/monolith.yaml", instance_class = "db.r6g.2xlarge" },
    { cluster = "orders", rules = "/etc/dbrestore/rules/orders.yaml" },
    { cluster = "customers", rules = "/etc/dbrestore/rules/customers.yaml" },
  ]
}

variable "masking_db_subnet_group" {
  description = "Isolated DB subnet group of the temporary clusters that are masked."
  type        = string
  default     = "dbrestore-masking"
}

variable "masking_db_security_group_ids" {
  description = "Security groups of the temporary clusters (only the job tasks may connect)."
  type        = list(string)
  default     = ["sg-0bbbbbbbbbbbbbbb1"]
}

variable "masking_key_secret_arn" {
  description = "Secrets Manager secret holding the masking key (consistent pseudonyms)."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/masking-key-AbCdEf"
}

variable "mongo_uri_secret_arn" {
  description = "Secrets Manager secret holding the masking instance's MongoDB connection string."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/mongo-masking-uri-AbCdEf"
}

variable "sentry_dsn_secret_arn" {
  description = "Secrets Manager secret holding the Sentry DSN; null disables Sentry."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/sentry-dsn-AbCdEf"
}

variable "schedule_expression" {
  description = "When the masked snapshots start (EventBridge Scheduler, time zone below)."
  type        = string
  default     = "cron(0 0 * * ? *)"
}

variable "schedule_timezone" {
  description = "Time zone of the schedule."
  type        = string
  default     = "Europe/Berlin"
}

variable "notification_emails" {
  description = "Addresses that receive failure notifications."
  type        = list(string)
  default     = []
}
