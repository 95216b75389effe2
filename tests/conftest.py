"""Fixtures shared by every test folder: a small AWS Organization on moto.

moto keeps accounts apart: sts:AssumeRole into an account id gives credentials whose calls
land in that account, so each member can be seeded with its own problems.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class MotoOrganization:
    """The management account (the caller), two members under one OU, one outside it."""

    management: str
    prod: str  # under the OU; a console user without MFA (iam.console_mfa fails here only)
    staging: str  # under the OU; named with Rich markup (names are untrusted text)
    sandbox: str  # outside the OU
    ou_id: str

    @property
    def members(self) -> tuple[str, str, str]:
        return (self.prod, self.staging, self.sandbox)


def member_client(account_id: str, service: str, region: str = "eu-west-1") -> Any:
    """A plain (unguarded) client inside a member account, for seeding."""
    import boto3

    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed",
    )["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


@pytest.fixture
def moto_organization() -> Iterator[MotoOrganization]:
    """moto on, fake credentials, an organization of four accounts (see MotoOrganization)."""
    import boto3

    from checks.demo import ACCOUNT_ID, simulated_account

    with simulated_account():
        # The demo pins every call to one account; here the credentials decide.
        pinned = os.environ.pop("MOTO_ACCOUNT_ID")
        try:
            organizations = boto3.client("organizations", region_name="us-east-1")
            organizations.create_organization(FeatureSet="ALL")
            root = organizations.list_roots()["Roots"][0]["Id"]
            ou_id = organizations.create_organizational_unit(ParentId=root, Name="workloads")[
                "OrganizationalUnit"
            ]["Id"]
            ids: dict[str, str] = {}
            for name in ("prod", "[bold red]staging[/]", "sandbox"):
                created = organizations.create_account(
                    AccountName=name, Email=f"{len(ids)}@example.com"
                )
                ids[name] = created["CreateAccountStatus"]["AccountId"]
            for name in ("prod", "[bold red]staging[/]"):
                organizations.move_account(
                    AccountId=ids[name], SourceParentId=root, DestinationParentId=ou_id
                )
            iam = member_client(ids["prod"], "iam")
            iam.create_user(UserName="prod-alice")
            iam.create_login_profile(UserName="prod-alice", Password="Correct-Horse-9!")
            yield MotoOrganization(
                ACCOUNT_ID, ids["prod"], ids["[bold red]staging[/]"], ids["sandbox"], ou_id
            )
        finally:
            os.environ["MOTO_ACCOUNT_ID"] = pinned
