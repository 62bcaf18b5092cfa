data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  family     = "${var.name_prefix}-${var.name}"
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  # A secret reference may carry a JSON key suffix (arn:...:secret:name-AbCdEf:key::); the policy
  # names the secret itself (its first seven colon-separated parts).
  secret_arns    = distinct([for v in values(var.secrets) : join(":", slice(split(":", v), 0, 7)) if startswith(split(":", v)[2], "secretsmanager")])
  parameter_arns = distinct([for v in values(var.secrets) : v if split(":", v)[2] == "ssm"])

  environment = merge(
    {
      DBRESTORE_HEARTBEAT_SECONDS = tostring(var.heartbeat_seconds)
      DBRESTORE_LOG_FORMAT        = "json"
      SENTRY_ENVIRONMENT          = var.sentry_environment
    },
    var.environment,
  )

  container = {
    name                   = var.name
    image                  = var.image
    essential              = true
    readonlyRootFilesystem = true
    # ECS sends SIGTERM, then SIGKILL after this long; the job exits within
    # DBRESTORE_CANCEL_GRACE_SECONDS (20) of being cancelled.
    stopTimeout = 30
    environment = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
    secrets     = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]
    mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "job"
      }
    }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/${var.name_prefix}/jobs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # The root filesystem is read-only; the JVM and the job write temporary files here.
  volume {
    name = "tmp"
  }

  dynamic "ephemeral_storage" {
    for_each = var.ephemeral_storage_gib == null ? [] : [var.ephemeral_storage_gib]
    content {
      size_in_gib = ephemeral_storage.value
    }
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Roles. Both trust ECS tasks of this account only (confused-deputy conditions).
# ---------------------------------------------------------------------------------------------

locals {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:*" }
      }
    }]
  })

  execution_statements = concat(
    [
      {
        Sid      = "PullImageAuth"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = ["*"]
      },
      {
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
      },
    ],
    [for s in [{
      Sid      = "PullImage"
      Effect   = "Allow"
      Action   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
      Resource = [var.ecr_repository_arn]
    }] : s if !(var.ecr_repository_arn == null)],
    [for s in [{
      Sid      = "InjectSecrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = local.secret_arns
    }] : s if !(length(local.secret_arns) == 0)],
    [for s in [{
      Sid      = "InjectParameters"
      Effect   = "Allow"
      Action   = ["ssm:GetParameters"]
      Resource = local.parameter_arns
    }] : s if !(length(local.parameter_arns) == 0)],
    [for s in [{
      Sid      = "DecryptSecrets"
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = var.secrets_kms_key_arns
      Condition = {
        StringEquals = { "kms:ViaService" = ["secretsmanager.${local.region}.amazonaws.com", "ssm.${local.region}.amazonaws.com"] }
      }
    }] : s if !(length(var.secrets_kms_key_arns) == 0)],
  )

  task_statements = concat(
    [{
      # The task token names the task; these actions take no resource ARN.
      Sid      = "ReportToStepFunctions"
      Effect   = "Allow"
      Action   = ["states:SendTaskHeartbeat", "states:SendTaskSuccess", "states:SendTaskFailure"]
      Resource = ["*"]
      },
      {
        # `<job> preflight <command>` evaluates this role's own policies for the calls the command
        # would make (read-only: SimulatePrincipalPolicy changes nothing), and no other role's.
        Sid      = "PreflightSimulatesOwnPolicy"
        Effect   = "Allow"
        Action   = ["iam:SimulatePrincipalPolicy"]
        Resource = ["arn:${local.partition}:iam::${local.account_id}:role/${local.family}-task"]
    }],
    [for s in var.task_role_statements : merge(
      {
        Sid      = s.sid
        Effect   = s.effect
        Action   = s.actions
        Resource = s.resources
      },
      length(s.conditions) == 0 ? {} : {
        Condition = {
          for test in distinct([for c in s.conditions : c.test]) : test => {
            for c in s.conditions : c.variable => c.values if c.test == test
          }
        }
      },
    )],
  )
}

resource "aws_iam_role" "execution" {
  name                 = "${local.family}-execution"
  description          = "ECS pulls the ${var.name} image, writes its logs and injects its secrets."
  assume_role_policy   = local.assume_role_policy
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "execution" {
  name   = "execution"
  role   = aws_iam_role.execution.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.execution_statements })
}

resource "aws_iam_role" "task" {
  name                 = "${local.family}-task"
  description          = "What the ${var.name} job may do in AWS."
  assume_role_policy   = local.assume_role_policy
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "task" {
  name   = "job"
  role   = aws_iam_role.task.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.task_statements })
}
