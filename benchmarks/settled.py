"""Benchmark: what a settled check costs: the gate's share of a `pulumi up` through the real
engine, one AWS CLI process per check (pulumi-command or Terraform's local-exec), and the floor
(a warm boto3 call)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from components import BulkPublishGate, BulkPublishGateArgs
from emulator import Emulator
from tests.support.recorder import Recorder
from tests.support.scenarios import pool, pool_id
from tools.engine import clean_environ, emulator_aws, find_cli
from tools.engine.paths import PROJECT_DIR

from .support import emulator_client, engine_session, method, row, timed

UPS, CLI_RUNS, FLOOR_CALLS = 3, 5, 50
POOL = pool_id("succeeded")


LIGHT_PROBE = """
import json, sys, time
started = time.perf_counter()
from components.provider import BulkPublishGateProvider
provider = BulkPublishGateProvider()
news = {"identity_pool_id": "us-east-1:0a000000-0000-4000-8000-000000000001"}
checked = provider.check({}, news)
provider.diff("id", checked.inputs, checked.inputs)
spent = time.perf_counter() - started
loaded = lambda name: any(m == name or m.startswith(name + ".") for m in sys.modules)
print(json.dumps({"boto3": loaded("boto3"), "botocore": loaded("botocore"), "seconds": spent}))
"""
"""As tests/engine/test_light_path.py: what Check and Diff load in a fresh interpreter."""


def bench_settled() -> None:
    with Emulator() as emulator:
        emulator.backend.put_pool(pool("succeeded"))
        _engine(emulator)
        _aws_cli(emulator)
        _floor(emulator)
    _light_path()


def _engine(emulator) -> None:
    method(
        f"two stacks through the real engine, a Recorder with and without a gate (SUCCEEDED "
        f"pool) in front of it: one up each to create, then the median of {UPS} ups (the gate "
        "updates and reads once on every up)"
    )
    cli = find_cli()
    if cli is None:
        row("settled: real engine", "n/a: no pulumi on PATH and none built (`make engine`)")
        return
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "recorder.log"

        def bare() -> None:
            Recorder("downstream", log)

        def gated() -> None:
            gate = BulkPublishGate("bulk-publish", BulkPublishGateArgs(identity_pool_id=POOL))
            gate.when_open(lambda opts: Recorder("downstream", log, opts=opts))

        medians, creates = {}, {}
        with engine_session(cli, Path(scratch), emulator) as session:
            for name, program in (("bare", bare), ("gated", gated)):
                stack = session.stack(name, program)
                creates[name] = timed(stack.up)
                medians[name] = statistics.median(timed(stack.up) for _ in range(UPS))
    row("settled: up without the gate (create / median)", _pair(creates["bare"], medians["bare"]))
    row("settled: up with the gate (create / median)", _pair(creates["gated"], medians["gated"]))
    added = medians["gated"] - medians["bare"]
    row("settled: the gate's share of an up", f"{added * 1e3:.0f} ms")


def _light_path() -> None:
    method(
        "a fresh interpreter in the project (as tests/engine/test_light_path.py): import "
        "components.provider, BulkPublishGateProvider().check({}, valid props) and diff; then "
        "is boto3 (botocore) in sys.modules; time of import + Check + Diff"
    )
    env = {"PATH": "/usr/bin:/bin", "AWS_CONFIG_FILE": "/dev/null"}
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    answer = subprocess.run(  # noqa: S603
        [sys.executable, "-c", LIGHT_PROBE],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(answer.stdout.strip().splitlines()[-1])
    said = "yes" if seen["boto3"] else "no"
    row(
        "light path: Check + Diff load boto3 / botocore",
        f"{said} / {'yes' if seen['botocore'] else 'no'} (target: no boto3: "
        f"{'NOT met' if seen['boto3'] else 'met'})",
    )
    row("light path: import + Check + Diff, fresh process", f"{seen['seconds'] * 1e3:.0f} ms")


def _pair(create: float, median: float) -> str:
    return f"{create:.2f} s / {median:.2f} s"


def _aws_cli(emulator) -> None:
    method(
        f"`aws cognito-sync get-bulk-publish-details --endpoint-url <emulator>` (awscli from "
        f"benchmarks/requirements.txt), one process per check, median of {CLI_RUNS}"
    )
    aws = Path(sys.executable).parent / "aws"
    if not aws.exists():
        row("settled: AWS CLI peer", "n/a: no `aws` in the venv (`make bench` installs it)")
        return
    command = [
        str(aws),
        "cognito-sync",
        "get-bulk-publish-details",
        "--identity-pool-id",
        POOL,
        "--region",
        "us-east-1",
        "--endpoint-url",
        emulator.url,
        "--output",
        "json",
    ]
    env = {**clean_environ(), **emulator_aws(emulator.url)}
    timings = []
    for _ in range(CLI_RUNS):
        timings.append(
            timed(lambda: subprocess.run(command, env=env, check=True, capture_output=True))  # noqa: S603
        )
    version = subprocess.run(  # noqa: S603
        [str(aws), "--version"], env=env, check=True, capture_output=True, text=True
    ).stdout.split()[0]
    row(
        f"settled: AWS CLI peer, one process ({version})",
        f"{statistics.median(timings) * 1e3:.0f} ms",
    )


def _floor(emulator) -> None:
    method(f"one warm boto3 client, get_bulk_publish_details, median of {FLOOR_CALLS} calls")
    client = emulator_client(emulator.url)
    client.get_bulk_publish_details(IdentityPoolId=POOL)  # warm: connection, signer, model
    timings = [
        timed(lambda: client.get_bulk_publish_details(IdentityPoolId=POOL))
        for _ in range(FLOOR_CALLS)
    ]
    client.close()
    row("settled: floor, a warm boto3 call", f"{statistics.median(timings) * 1e3:.1f} ms")
