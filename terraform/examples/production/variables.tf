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
  description = "The production MongoDB data volume (by tag) and the masking rules; the dedicated masking instance is aws_instance.masking (masking-instance.tf). source_volume_ids (optional): the production data volumes, the only ones whose backup snapshots the job may copy (ec2:ParentVolume); without them any snapshot this account owns."
  type = object({
    source_volume_tag = string
    source_volume_ids = optional(list(string), [])
    rules             = optional(string, "/etc/dbrestore/rules/mongo.yaml")
  })
  default = {
    source_volume_tag = "dbrestore:source=mongo-data"
  }
}

variable "published_uri_secret_arn" {
  description = "Secrets Manager secret holding the URI of mongod-published on the masking instance, e.g. mongodb://dbrestore-copy:<password>@<private ip>:27018/?authSource=admin (a plain string). The job connects with it (--published-uri-secret); the instance's boot script creates that user in the blank published volume from the same secret."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/mongo-published-uri-AbCdEf"

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.published_uri_secret_arn))
    error_message = "published_uri_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "masking_instance" {
  description = "The masking instance (an example: AMI, type, network). source_device is where the job attaches the restored production copy (--device, read only, served by mongod-source on 27017); published_device is where it attaches the blank volume the masked copy is written to (--published-device, mongod-published on 27018). The AMI is Amazon Linux 2023 (dnf, the AWS CLI, python3, xfsprogs, and EBS NVMe /dev/sdX links from amazon-ec2-utils)."
  type = object({
    ami_id            = string
    instance_type     = optional(string, "r6i.2xlarge")
    subnet_id         = string
    vpc_id            = string
    root_volume_gib   = optional(number, 30)
    mongodb_version   = optional(string, "7.0")
    source_device     = optional(string, "/dev/sdf")
    published_device  = optional(string, "/dev/sdg")
    source_dbpath_dir = optional(string, "")
    # Must match the production mongod's storage options, or mongod-source cannot open the copy.
    source_directory_per_db      = optional(bool, false)
    source_directory_for_indexes = optional(bool, false)
    source_recover_from_oplog    = optional(bool, false)
  })
  default = {
    ami_id    = "ami-0aaaaaaaaaaaaaaa1"
    subnet_id = "subnet-0aaaaaaaaaaaaaaa1"
    vpc_id    = "vpc-0aaaaaaaaaaaaaaa1"
  }

  validation {
    condition     = alltrue([for d in [var.masking_instance.source_device, var.masking_instance.published_device] : can(regex("^/dev/(sd|xvd)[b-z]$", d))]) && var.masking_instance.source_device != var.masking_instance.published_device
    error_message = "masking_instance.source_device and published_device must be two different data volume device names such as /dev/sdf and /dev/sdg."
  }

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.masking_instance.mongodb_version))
    error_message = "masking_instance.mongodb_version is a MongoDB release series such as 7.0."
  }

  validation {
    condition     = var.masking_instance.source_dbpath_dir == "" || can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.masking_instance.source_dbpath_dir))
    error_message = "masking_instance.source_dbpath_dir is a relative path on the source volume (empty: its root)."
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

variable "source_kms_key_arns" {
  description = "Customer-managed KMS keys the source Aurora clusters and the MongoDB source volumes (their backup snapshots) are encrypted with; the jobs decrypt their snapshots through RDS and EC2. None: the sources use the AWS-managed aws/rds and aws/ebs keys."
  type        = list(string)
  default     = []
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

variable "rules_bucket_name" {
  description = "A versioned S3 bucket for the masking rules (rules.tf): the jobs may then be given --rules s3://<bucket>/<key> in mongo.rules and aurora_clusters[*].rules. null: the rules are files in the images."
  type        = string
  default     = null
}

variable "drift" {
  description = "The daytime rules drift check (drift.tf): `rules diff`, read-only, against a MongoDB secondary (mongo_uri_secret_arn: a secret holding a URI with readPreference=secondary) and Aurora readers (jdbc_url of the reader endpoint, credentials_secret_arn: a read-only user's username and password), with the rules the nightly run uses; what the rules do not declare is published with a ready patch. The tasks need network access to those endpoints (task_security_group_ids). null: no drift check."
  type = object({
    schedule_expression  = optional(string, "cron(0 13 ? * MON-FRI *)")
    mongo_uri_secret_arn = optional(string)
    mongo_sample         = optional(number)
    aurora = optional(list(object({
      cluster                = string
      jdbc_url               = string
      credentials_secret_arn = string
    })), [])
  })
  default = {
    mongo_uri_secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/mongo-secondary-uri-AbCdEf"
    aurora = [
      {
        cluster                = "monolith"
        jdbc_url               = "jdbc:postgresql://monolith.cluster-ro-abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/app"
        credentials_secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/monolith-reader-AbCdEf"
      },
    ]
  }

  validation {
    condition     = var.drift == null || alltrue([for c in try(var.drift.aurora, []) : contains([for a in var.aurora_clusters : a.cluster], c.cluster)])
    error_message = "drift.aurora[*].cluster must name a cluster of aurora_clusters (its rules are the ones checked)."
  }
}
