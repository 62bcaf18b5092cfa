variable "name" {
  description = "Name of the SNS topic."
  type        = string
  default     = "dbrestore-failures"
}

variable "kms_key_id" {
  description = "KMS key that encrypts the topic; null for SNS's own key (alias/aws/sns)."
  type        = string
  default     = null
}

variable "publisher_role_arns" {
  description = "Roles allowed to publish (the pipelines' state machine roles); the topic policy allows no one else from this account."
  type        = list(string)
  default     = []
}

variable "email_subscriptions" {
  description = "E-mail addresses that receive failures (each confirms by mail)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags of every resource the module creates."
  type        = map(string)
  default     = {}
}
