resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_id
  tags              = var.tags
}

resource "aws_sns_topic_policy" "this" {
  count = length(var.publisher_role_arns) == 0 ? 0 : 1
  arn   = aws_sns_topic.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PipelinesPublish"
      Effect    = "Allow"
      Principal = { AWS = var.publisher_role_arns }
      Action    = ["sns:Publish"]
      Resource  = aws_sns_topic.this.arn
    }]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.email_subscriptions)
  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

# Dead letters of the schedules: an event EventBridge Scheduler could not deliver after its
# retries (the pipeline was not started: a missing permission, a deleted state machine,
# throttling) lands here instead of vanishing, and the alarm below tells the failure topic.
resource "aws_sqs_queue" "schedule_dead_letters" {
  name                      = "${var.name}-schedule-dead-letters"
  message_retention_seconds = 1209600 # 14 days, the maximum
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_cloudwatch_metric_alarm" "schedule_dead_letters" {
  alarm_name          = "${var.name}-schedule-dead-letters"
  alarm_description   = "EventBridge Scheduler could not start a dbrestore pipeline (see the messages in ${aws_sqs_queue.schedule_dead_letters.name}): that run did not happen."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.schedule_dead_letters.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  tags                = var.tags
}
