output "topic_arn" {
  description = "ARN of the failure topic (pass to the pipeline module)."
  value       = aws_sns_topic.this.arn
}
