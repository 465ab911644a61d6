"""bulk-publish-gate: waits on a Cognito Sync bulk publish, exports its status, and deploys an
SSM parameter holding the completion time only once the bulk publish has SUCCEEDED.

With `bulk-publish-gate:publishCompletionParameter: false` the stack is status-only: it
creates no AWS resource and needs no pulumi-aws plugin, and only exports the status."""

from components import BulkPublishGate, read_stack_config

settings = read_stack_config()
gate = BulkPublishGate("bulk-publish", settings.gate)
gate.export()


def completion_parameter(opts):
    import pulumi_aws as aws  # only here: a status-only stack never loads the AWS provider

    return aws.ssm.Parameter(
        "completed-at",
        name=settings.completion_parameter_name,
        type="String",
        value=gate.bulk_publish_complete_time.apply(lambda at: at or "unknown"),
        description=gate.identity_pool_id.apply(
            lambda pool: f"When the last bulk publish of {pool} completed (bulk-publish-gate)"
        ),
        opts=opts,
    )


if settings.publish_completion_parameter:
    gate.when_open(completion_parameter)
