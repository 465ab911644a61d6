"""The botocore seam: AWS settings (region, endpoint, retries), botocore errors mapped to ours, and
the Cognito Sync client each run builds."""
