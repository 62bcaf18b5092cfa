variable "region" {
  description = "AWS region of the development account."
  type        = string
  default     = "eu-west-1"
}

variable "production_account_id" {
  description = "The production account that shares the masked snapshots."
  type        = string
  default     = "111122223333"
}

variable "production_sharing_kms_key_arn" {
  description = "The production KMS key the shared masked snapshots are encrypted with."
  type        = string
  default     = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"
}

variable "aurora_point_in_time_sources" {
  description = "Development clusters aurora-restore may copy at a point in time (restore --source-cluster); none by default."
  type        = list(string)
  default     = []
}

variable "image_registry" {
  description = "Registry holding the job images (dbrestore/<job>)."
  type        = string
  default     = "444455556666.dkr.ecr.eu-west-1.amazonaws.com"
}

variable "image_tag" {
  description = "Tag of the job images to run."
  type        = string
  default     = "0.1.0"
}

variable "subnet_ids" {
  description = "Private subnets of the job tasks."
  type        = list(string)
  default     = ["subnet-0ddddddddddddddd1", "subnet-0ddddddddddddddd2"]
}

variable "task_security_group_ids" {
  description = "Security groups of the job tasks."
  type        = list(string)
  default     = ["sg-0ddddddddddddddd1"]
}

variable "targets" {
  description = "One restore pipeline per target. nightly: started every night (else only by hand or by schedule below); schedule overrides the nightly cron (release: rate(14 days), disabled by default since QA starts it by hand)."
  type = map(object({
    schedule         = optional(string, "cron(0 4 * * ? *)")
    schedule_enabled = optional(bool, true)
    aurora_cluster   = string
    mongo_instance   = optional(string)
    mongo_uri_secret = optional(string)
    # Development's own MongoDB users, created on the restored data (which has none) at boot.
    mongo_users_secret = optional(string)
    atlas_project      = optional(string)
    atlas_cluster      = optional(string)
    microservices      = optional(list(object({ cluster = string, source_cluster_name = string })), [])
  }))
  default = {
    develop = {
      aurora_cluster     = "develop-monolith"
      mongo_instance     = "i-0ddddddddddddddd1"
      mongo_uri_secret   = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/develop-mongo-uri-AbCdEf"
      mongo_users_secret = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/develop-mongo-users-AbCdEf"
      atlas_project      = "5f0000000000000000000d01"
      atlas_cluster      = "develop"
      microservices = [
        { cluster = "develop-orders", source_cluster_name = "orders" },
        { cluster = "develop-customers", source_cluster_name = "customers" },
      ]
    }
    edge = {
      aurora_cluster     = "edge-monolith"
      mongo_instance     = "i-0ddddddddddddddd2"
      mongo_uri_secret   = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/edge-mongo-uri-AbCdEf"
      mongo_users_secret = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/edge-mongo-users-AbCdEf"
      atlas_project      = "5f0000000000000000000d01"
      atlas_cluster      = "edge"
      microservices      = [{ cluster = "edge-orders", source_cluster_name = "orders" }]
    }
    report = {
      aurora_cluster     = "report-monolith"
      mongo_instance     = "i-0ddddddddddddddd3"
      mongo_uri_secret   = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/report-mongo-uri-AbCdEf"
      mongo_users_secret = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/report-mongo-users-AbCdEf"
    }
    release = {
      schedule           = "rate(14 days)"
      schedule_enabled   = false
      aurora_cluster     = "release-monolith"
      mongo_instance     = "i-0ddddddddddddddd4"
      mongo_uri_secret   = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/release-mongo-uri-AbCdEf"
      mongo_users_secret = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/release-mongo-users-AbCdEf"
      atlas_project      = "5f0000000000000000000d01"
      atlas_cluster      = "release"
      microservices      = [{ cluster = "release-orders", source_cluster_name = "orders" }]
    }
  }

  validation {
    condition     = alltrue([for t in values(var.targets) : (t.mongo_instance == null) == (t.mongo_uri_secret == null)])
    error_message = "a target with mongo_instance needs mongo_uri_secret (the Secrets Manager secret holding its mongod URI), and only then."
  }

  validation {
    condition     = alltrue([for t in values(var.targets) : (t.mongo_instance == null) == (t.mongo_users_secret == null)])
    error_message = "a target with mongo_instance needs mongo_users_secret (the Secrets Manager secret holding development's MongoDB users, created at boot on the restored data), and only then."
  }

  validation {
    condition     = alltrue([for k in keys(var.targets) : contains(["develop", "edge", "report", "release"], k)])
    error_message = "targets are develop, edge, report and release; temporary databases have their own pipeline."
  }
}

variable "monolith_source_cluster" {
  description = "The production Aurora cluster of the monolith (name of its masked snapshots)."
  type        = string
  default     = "monolith"
}

variable "atlas_source" {
  description = "The production Atlas project and cluster."
  type        = object({ project = string, cluster = string })
  default     = { project = "5f0000000000000000000p01", cluster = "production" }
}

variable "atlas_credentials_secret_arn" {
  description = "Secrets Manager secret holding the Atlas API credentials."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/atlas-api-AbCdEf"
}

variable "master_password_secret_arn" {
  description = "Secret holding the development clusters' master password."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/dev-master-AbCdEf"
}

variable "sentry_dsn_secret_arn" {
  description = "Secrets Manager secret holding the Sentry DSN; null disables Sentry."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/sentry-dsn-AbCdEf"
}

variable "temporary_instance_class" {
  description = "Instance class of temporary databases."
  type        = string
  default     = "db.r6g.large"
}

variable "notification_emails" {
  description = "Addresses that receive failure notifications."
  type        = list(string)
  default     = []
}

variable "mongo_instance" {
  description = "How the targets' mongod instances are launched (mongod-instance.tf, an example): AMI (Amazon Linux 2023), instance type, MongoDB release series, and the data device mongo-restore swaps the masked copy in at (its --device)."
  type = object({
    ami_id          = string
    instance_type   = optional(string, "r6i.large")
    mongodb_version = optional(string, "7.0")
    data_device     = optional(string, "/dev/sdf")
  })
  default = {
    ami_id = "ami-0ddddddddddddddd1"
  }

  validation {
    condition     = can(regex("^/dev/(sd|xvd)[b-z]$", var.mongo_instance.data_device))
    error_message = "mongo_instance.data_device must be a data volume device name such as /dev/sdf."
  }

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.mongo_instance.mongodb_version))
    error_message = "mongo_instance.mongodb_version is a MongoDB release series such as 7.0."
  }
}
