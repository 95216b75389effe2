"""Tests of the signer checks (checks/services/signer.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import assert_denied as denied

EU, US = "eu-west-1", "us-east-1"


SIGNER = f"arn:aws:signer:{EU}:{ACCOUNT_ID}:/signing-profiles/"


def test_signing_profiles(account):
    stub = account.stub("signer", EU)
    stub.add_response(
        "list_signing_profiles",
        {
            "profiles": [
                {
                    "profileName": "lambda",
                    "profileVersionArn": f"{SIGNER}lambda/1",
                    "platformId": "AWSLambda-SHA384-ECDSA",
                    "status": "Active",
                },
                {"profileName": "old-profile", "status": "Revoked"},
            ]
        },
    )
    stub.add_response(
        "list_signing_profiles", {"profiles": [{"profileName": "gone", "status": "Canceled"}]}
    )
    result = account.run("signer.signing_profiles")
    assert result[EU].status is Status.PASS and len(result[EU].resources) == 1


def test_signing_profiles_none_and_unknown(account):
    stub = account.stub("signer", EU)
    stub.add_response("list_signing_profiles", {"profiles": []})
    assert account.run("signer.signing_profiles")[EU].status is Status.NOT_APPLICABLE
    result = account.run("signer.signing_profiles")[US]  # moto: not implemented
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied(account, "signer.signing_profiles", "signer:ListSigningProfiles", US)
