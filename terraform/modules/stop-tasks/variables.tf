variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "dbrestore"
}

variable "state_machine_arns" {
  description = "Pipelines whose executions have their ECS tasks stopped when they end ABORTED, TIMED_OUT or FAILED."
  type        = list(string)

  validation {
    condition     = length(var.state_machine_arns) > 0
    error_message = "state_machine_arns needs at least one pipeline."
  }
}

variable "ecs_cluster_arns" {
  description = "ECS clusters the pipelines run their job tasks in."
  type        = list(string)

  validation {
    condition     = length(var.ecs_cluster_arns) > 0 && alltrue([for c in var.ecs_cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", c))])
    error_message = "ecs_cluster_arns must be ECS cluster ARNs."
  }
}

variable "log_retention_days" {
  description = "Retention of the stop-tasks state machine's log group in days."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags of every resource the module creates."
  type        = map(string)
  default     = {}
}
