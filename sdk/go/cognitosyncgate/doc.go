// Make a deployment wait on an Amazon Cognito Sync bulk publish: a gate that reads GetBulkPublishDetails, waits while IN_PROGRESS, and fails (gate mode) unless SUCCEEDED and fresh, so what depends on it deploys only then.
package cognitosyncgate
