"""A consumer stack: reads a bulk-publish-gate producer's outputs through a StackReference and
creates its own SSM parameter only while the producer's bulk publish is SUCCEEDED.

With `bulk-publish-gate-consumer:publishReadyParameter: false` it creates no AWS resource and
only re-exports what it read (what `make up` runs where the pulumi-aws plugin is missing)."""

import sys
from pathlib import Path

import pulumi

# This example shares the project's virtualenv and code; in your own project, vendor or install
# the components package instead of this path line.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from components import BulkPublishStatusReference


def ready_parameter():
    import pulumi_aws as aws  # only here: a status-only consumer never loads the AWS provider

    return aws.ssm.Parameter(
        "producer-ready",
        name=config.get("readyParameterName") or "/bulk-publish-gate-consumer/producer-ready",
        type="String",
        value=producer.bulk_publish_complete_time.apply(lambda at: at or "unknown"),
    )


config = pulumi.Config()
producer = BulkPublishStatusReference(
    config.get("producerStack") or "organization/bulk-publish-gate/local"
)
if config.get_bool("publishReadyParameter") is not False:
    producer.when_succeeded(ready_parameter)
pulumi.export("producerStatus", producer.bulk_publish_status)
pulumi.export("producerIdentityPoolId", producer.identity_pool_id)
pulumi.export("producerSucceeded", producer.succeeded)
