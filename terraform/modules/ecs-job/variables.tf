variable "name" {
  description = "Name of the job, also the container name and the task definition family suffix: one of aurora-restore, mongo-mask-snapshot, mongo-restore, atlas-restore."
  type        = string

  validation {
    condition     = contains(["aurora-restore", "mongo-mask-snapshot", "mongo-restore", "atlas-restore"], var.name)
    error_message = "name must be one of aurora-restore, mongo-mask-snapshot, mongo-restore, atlas-restore."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (task definition family, roles, log group), e.g. \"dbrestore\"."
  type        = string
  default     = "dbrestore"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and contain at most 31 letters, digits and hyphens."
  }
}

variable "image" {
  description = "Container image of the job, pinned by tag or digest, e.g. \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/dbrestore/aurora-restore:1.4.0\"."
  type        = string
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository holding the image; the execution role may pull only from it. Null when the image is public."
  type        = string
  default     = null
}

variable "cpu" {
  description = "Fargate CPU units of the task."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Fargate memory of the task in MiB; the JVM takes 75% of it for its heap (-XX:MaxRAMPercentage=75)."
  type        = number
  default     = 2048

  # The jobs are JVMs whose heap is 75% of the task's memory: 512 MiB would leave 128 MiB for
  # metaspace, code cache, thread stacks and direct buffers, and the task would be killed for
  # memory instead of failing with an OutOfMemoryError it can report.
  validation {
    condition     = var.memory >= 1024
    error_message = "memory must be at least 1024 MiB: the JVM's heap takes 75% of it (-XX:MaxRAMPercentage=75) and needs room beside it."
  }

  # Supported task CPU and memory values for Fargate tasks (ECS developer guide).
  validation {
    condition = (
      var.cpu == 256 ? contains([512, 1024, 2048], var.memory) :
      var.cpu == 512 ? var.memory >= 1024 && var.memory <= 4096 && var.memory % 1024 == 0 :
      var.cpu == 1024 ? var.memory >= 2048 && var.memory <= 8192 && var.memory % 1024 == 0 :
      var.cpu == 2048 ? var.memory >= 4096 && var.memory <= 16384 && var.memory % 1024 == 0 :
      var.cpu == 4096 ? var.memory >= 8192 && var.memory <= 30720 && var.memory % 1024 == 0 :
      var.cpu == 8192 ? var.memory >= 16384 && var.memory <= 61440 && var.memory % 4096 == 0 :
      var.memory >= 32768 && var.memory <= 122880 && var.memory % 8192 == 0
    )
    error_message = "memory must be one Fargate allows for the chosen cpu: 256: 512, 1024 or 2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720 (steps of 1024); 8192: 16384-61440 (steps of 4096); 16384: 32768-122880 (steps of 8192)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "ephemeral_storage_gib" {
  description = "Ephemeral storage of the task in GiB (21-200); null keeps Fargate's 20 GiB."
  type        = number
  default     = null

  validation {
    condition     = var.ephemeral_storage_gib == null || (try(var.ephemeral_storage_gib >= 21 && var.ephemeral_storage_gib <= 200, false))
    error_message = "ephemeral_storage_gib must be between 21 and 200."
  }
}

variable "environment" {
  description = "Environment variables of the container, e.g. DBRESTORE_TARGET_ALLOWLIST or DBRESTORE_PROTECTED_ACCOUNT: account-wide settings. Per-run values come from the state machine's command line."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment) : can(regex("^[A-Z_][A-Z0-9_]*$", k))])
    error_message = "environment keys must be upper-case variable names."
  }

  validation {
    condition     = !anytrue([for k in keys(var.environment) : contains(["DBRESTORE_TASK_TOKEN", "DBRESTORE_EXECUTION_ARN"], k)])
    error_message = "DBRESTORE_TASK_TOKEN and DBRESTORE_EXECUTION_ARN are set by the state machine for each run, not by the task definition."
  }
}

variable "sentry_environment" {
  description = "SENTRY_ENVIRONMENT of the job's Sentry events (production, development, …): without it every failure would be reported as production's."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,63}$", var.sentry_environment))
    error_message = "sentry_environment must be lower-case letters, digits and hyphens (e.g. production, development)."
  }
}

variable "secrets" {
  description = "Environment variables injected from Secrets Manager (or SSM Parameter Store) by the execution role: variable name => secret ARN, optionally with a JSON key suffix (\"arn:...:secret:x-AbCdEf:dsn::\"). E.g. SENTRY_DSN."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.secrets) : can(regex("^arn:aws[a-z-]*:(secretsmanager|ssm):", v))])
    error_message = "secrets values must be Secrets Manager secret or SSM parameter ARNs."
  }
}

variable "secrets_kms_key_arns" {
  description = "Customer-managed KMS keys that encrypt the secrets in var.secrets; the execution role may decrypt with them only through Secrets Manager."
  type        = list(string)
  default     = []
}

variable "heartbeat_seconds" {
  description = "How often the job sends a Step Functions heartbeat (DBRESTORE_HEARTBEAT_SECONDS). Keep each state's HeartbeatSeconds at 3x or more."
  type        = number
  default     = 60

  validation {
    condition     = var.heartbeat_seconds >= 10 && var.heartbeat_seconds <= 300
    error_message = "heartbeat_seconds must be between 10 and 300."
  }
}

variable "log_retention_days" {
  description = "Retention of the job's CloudWatch log group in days."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the log group; null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

variable "task_role_statements" {
  description = "IAM statements of the task role: what the job may do in AWS. Least privilege: resources and conditions spelled out (see the examples). Step Functions task reporting (SendTaskSuccess/Failure/Heartbeat) is added by the module."
  type = list(object({
    sid       = string
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.task_role_statements : contains(["Allow", "Deny"], s.effect)])
    error_message = "task_role_statements[*].effect must be Allow or Deny."
  }

  validation {
    condition     = alltrue([for s in var.task_role_statements : can(regex("^[A-Za-z0-9]+$", s.sid))])
    error_message = "task_role_statements[*].sid must be alphanumeric."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the task and execution roles, where the account requires one."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource the module creates."
  type        = map(string)
  default     = {}
}
