"""A consumer stack: reads a bulk-publish-gate producer's outputs through a StackReference and
creates its own SSM parameter only while the producer's bulk publish is SUCCEEDED."""

import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

# This example shares the project's virtualenv and code; in your own project, vendor or install
# the components package instead of this path line.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from components import BulkPublishStatusReference

config = pulumi.Config()
producer = BulkPublishStatusReference(
    config.get("producerStack") or "organization/bulk-publish-gate/local"
)
producer.when_succeeded(
    lambda: aws.ssm.Parameter(
        "producer-ready",
        name=config.get("readyParameterName") or "/bulk-publish-gate-consumer/producer-ready",
        type="String",
        value=producer.bulk_publish_complete_time.apply(lambda at: at or "unknown"),
    )
)
pulumi.export("producerStatus", producer.bulk_publish_status)
pulumi.export("producerIdentityPoolId", producer.identity_pool_id)
