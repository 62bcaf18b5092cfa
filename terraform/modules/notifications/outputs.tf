output "topic_arn" {
  description = "ARN of the failure topic (pass to the pipeline module)."
  value       = aws_sns_topic.this.arn
}

output "schedule_dead_letter_queue_arn" {
  description = "SQS queue that receives what EventBridge Scheduler could not deliver (pass to the pipeline module as schedule_dead_letter_queue_arn); an alarm on it publishes to the topic."
  value       = aws_sqs_queue.schedule_dead_letters.arn
}
