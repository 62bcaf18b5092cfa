data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

# Stopping an execution stops its work: executions of the pipelines that end ABORTED, TIMED_OUT or
# FAILED start a state machine that stops the ECS tasks they started.

locals {
  # The deployed names keep "cleanup", the module's former name: renaming them would replace the
  # state machine, its roles, its rule and its log group (and lose the logs).
  name       = "${var.name_prefix}-cleanup"
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  definition = jsonencode(yamldecode(templatefile("${path.module}/templates/stop-tasks.asl.yaml", {
    cluster_arns = var.ecs_cluster_arns
    retry = jsonencode([{
      ErrorEquals     = ["States.ALL"]
      IntervalSeconds = 2
      MaxAttempts     = 5
      BackoffRate     = 2
      JitterStrategy  = "FULL"
    }])
  })))

  event_pattern = {
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    detail = {
      status          = ["ABORTED", "TIMED_OUT", "FAILED"]
      stateMachineArn = var.state_machine_arns
    }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${local.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_sfn_state_machine" "this" {
  name       = local.name
  type       = "STANDARD"
  role_arn   = aws_iam_role.state_machine.arn
  definition = local.definition

  logging_configuration {
    level                  = "ERROR"
    include_execution_data = true
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
  }

  tags = var.tags
}

resource "aws_iam_role" "state_machine" {
  name        = "${local.name}-sfn"
  description = "Stops the ECS tasks of dbrestore executions that ended early."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "state_machine" {
  name = "stop-tasks"
  role = aws_iam_role.state_machine.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # ListTasks names no task; it is limited to the pipelines' clusters.
        Sid       = "ListPipelineTasks"
        Effect    = "Allow"
        Action    = ["ecs:ListTasks"]
        Resource  = ["*"]
        Condition = { ArnEquals = { "ecs:cluster" = var.ecs_cluster_arns } }
      },
      {
        Sid       = "StopPipelineTasks"
        Effect    = "Allow"
        Action    = ["ecs:StopTask"]
        Resource  = [for c in var.ecs_cluster_arns : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${element(split("/", c), 1)}/*"]
        Condition = { ArnEquals = { "ecs:cluster" = var.ecs_cluster_arns } }
      },
      {
        Sid      = "ExecutionLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]
        Resource = ["*"]
      },
    ]
  })
}

resource "aws_cloudwatch_event_rule" "ended" {
  name          = "${local.name}-executions-ended"
  description   = "dbrestore executions that ended ABORTED, TIMED_OUT or FAILED: stop their ECS tasks."
  event_pattern = jsonencode(local.event_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "cleanup" {
  rule     = aws_cloudwatch_event_rule.ended.name
  arn      = aws_sfn_state_machine.this.arn
  role_arn = aws_iam_role.events.arn

  retry_policy {
    maximum_retry_attempts       = 20
    maximum_event_age_in_seconds = 3600
  }
}

resource "aws_iam_role" "events" {
  name        = "${local.name}-events"
  description = "EventBridge starts the dbrestore cleanup state machine."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "events" {
  name = "start-cleanup"
  role = aws_iam_role.events.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "StartCleanup"
      Effect   = "Allow"
      Action   = ["states:StartExecution"]
      Resource = [aws_sfn_state_machine.this.arn]
    }]
  })
}
