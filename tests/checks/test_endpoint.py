"""A scan against a moto *server* through --endpoint-url, as a user would run it."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from checks.calls import CallFailed, CallLayer
from checks.session import AwsOptions, connect, strip_account_host_prefix
from cli.main import main


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _client(url: str, service: str, region: str = "eu-west-1") -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url)


def test_scan_through_endpoint_url_names_failing_users(
    moto_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = _client(moto_server, "iam")
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Correct-Horse-Battery-9")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "scan", "--endpoint-url", moto_server, "--region", "eu-west-1",
                "--region", "us-east-1", "--format", "json", "--check", "iam.*",
            ]
        )  # fmt: skip
    assert exited.value.code == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {c["id"]: c for c in data["checks"]}
    console = by_id["iam.console_mfa"]
    assert console["status"] == "FAIL"
    failing = [r["id"] for r in console["resources"] if r["status"] == "FAIL"]
    assert failing == ["arn:aws:iam::123456789012:user/bob"]
    assert by_id["iam.password_policy"]["status"] == "FAIL"


def test_s3_control_works_on_a_custom_endpoint(moto_server: str) -> None:
    aws = connect(AwsOptions(endpoint_url=moto_server, regions=("eu-west-1",)))
    assert aws.account_id == "123456789012"
    calls = CallLayer(aws.clients)
    with pytest.raises(CallFailed) as missing:  # reached the server: "none configured"
        calls.call(
            "s3control", "eu-west-1", "get_public_access_block", {"AccountId": "123456789012"}
        )
    assert missing.value.code == "NoSuchPublicAccessBlockConfiguration"

    seeder = _client(moto_server, "s3control")
    seeder.meta.events.register("before-sign.s3-control", strip_account_host_prefix)
    seeder.put_public_access_block(
        AccountId="123456789012",
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": True},
    )
    fresh = CallLayer(aws.clients)
    config = fresh.call(
        "s3control", "eu-west-1", "get_public_access_block", {"AccountId": "123456789012"}
    )
    assert config["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True


def test_regions_default_to_the_enabled_ones(moto_server: str) -> None:
    aws = connect(AwsOptions(endpoint_url=moto_server))
    assert "eu-west-1" in aws.regions and "us-east-1" in aws.regions
    assert "ap-east-1" not in aws.regions  # moto marks it not-opted-in
