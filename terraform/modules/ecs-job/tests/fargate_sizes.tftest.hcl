# Fargate accepts only some CPU/memory pairs ("Supported task CPU and memory values for Fargate
# tasks", ECS developer guide; the RegisterTaskDefinition memory parameter lists them):
#   256: 512, 1024, 2048 | 512: 1-4 GB | 1024: 2-8 GB | 2048: 4-16 GB | 4096: 8-30 GB (1 GB steps)
#   8192: 16-60 GB in 4 GB steps | 16384: 32-120 GB in 8 GB steps
# A pair outside it is refused at plan time, not at the first RegisterTaskDefinition.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "444455556666" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  name               = "aurora-restore"
  image              = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/dbrestore/aurora-restore:0.1.0"
  sentry_environment = "development"
}

run "allowed_pairs_plan" {
  command = plan
  variables {
    cpu    = 4096
    memory = 30720
  }
}

run "smallest_pair_plans" {
  command = plan
  variables {
    cpu    = 256
    memory = 1024
  }
}

# A Fargate pair, but too small for a JVM job: 75% heap (-XX:MaxRAMPercentage=75) leaves 128 MiB
# for metaspace, code cache, thread stacks and direct buffers, and the task is killed for memory.
run "too_little_memory_for_a_jvm" {
  command = plan
  variables {
    cpu    = 256
    memory = 512
  }
  expect_failures = [var.memory]
}

run "too_much_memory_for_the_cpu" {
  command = plan
  variables {
    cpu    = 256
    memory = 4096
  }
  expect_failures = [var.memory]
}

run "too_little_memory_for_the_cpu" {
  command = plan
  variables {
    cpu    = 2048
    memory = 2048
  }
  expect_failures = [var.memory]
}

run "not_a_step_of_the_cpu" {
  command = plan
  variables {
    cpu    = 8192
    memory = 18432
  }
  expect_failures = [var.memory]
}
