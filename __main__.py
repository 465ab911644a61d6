"""bulk-publish-gate: waits on a Cognito Sync bulk publish, exports its status, and deploys an
SSM parameter holding the completion time only once the bulk publish has SUCCEEDED."""

import pulumi_aws as aws

from components import BulkPublishGate, read_stack_config

settings = read_stack_config()
gate = BulkPublishGate("bulk-publish", settings.gate)
gate.export()

gate.when_open(
    lambda opts: aws.ssm.Parameter(
        "completed-at",
        name=settings.completion_parameter_name,
        type="String",
        value=gate.bulk_publish_complete_time.apply(lambda at: at or "unknown"),
        description=gate.identity_pool_id.apply(
            lambda pool: f"When the last bulk publish of {pool} completed (bulk-publish-gate)"
        ),
        opts=opts,
    )
)
