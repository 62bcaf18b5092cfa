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
