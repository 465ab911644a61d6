"""The light path of every preview: the provider's Check and Diff, as the provider process runs
them after unpickling, import no boto3 and build no client."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.provider_server import PROJECT_DIR

PROBE = """
import json, sys
from components.provider import BulkPublishGateProvider
provider = BulkPublishGateProvider()
news = {"identity_pool_id": "us-east-1:0a000000-0000-4000-8000-000000000001"}
checked = provider.check({}, news)
diffed = provider.diff("id", checked.inputs, checked.inputs)
print(json.dumps({
    "failures": [f.reason for f in checked.failures or []],
    "changes": diffed.changes,
    "boto3": sorted(m for m in sys.modules if m == "boto3" or m.startswith("boto3.")),
}))
"""


def test_check_and_diff_import_no_boto3():
    env = {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
    answer = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(answer.stdout.strip().splitlines()[-1])
    assert seen["failures"] == []
    assert seen["changes"] is True
    assert seen["boto3"] == []
