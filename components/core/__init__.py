"""The gate's logic, with no Pulumi, gRPC or botocore import: the inputs and their rules, the
wait of each pool, the one loop that drives them, the verdict and the progress lines."""
