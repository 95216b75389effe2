"""Multi-account scans on moto: an organization of several accounts, each with its own
problems; every finding is reported in its own account and only there; an excluded
account is not touched; a member whose role cannot be assumed is reported and the rest
complete. moto keeps accounts apart: AssumeRole into an account id lands calls there."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from checks import guard
from checks.accounts import (
    ACCOUNTS_AT_ONCE,
    AccountsError,
    AccountsScan,
    Members,
    RoleOptions,
    Target,
    TokenBucket,
    named_accounts,
    organization_accounts,
)
from checks.demo import ACCOUNT_ID, simulated_account
from checks.registry import Scope, select
from checks.result import AccountState, Proposal, Status
from checks.session import AwsOptions, connect
from questions import security_pillar

REGIONS = ("eu-west-1", "us-east-1")
CHECKS = ("iam.console_mfa", "iam.password_policy", "ec2.sg_open_to_world")


@dataclass
class Org:
    caller: Any
    accounts: dict[str, str]  # name -> id
    root_id: str
    ou_id: str


def member_client(account_id: str, service: str, region: str = "eu-west-1") -> Any:
    """A plain client inside a member account (seeding, not guarded)."""
    sts = boto3.client("sts", region_name=region)
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed",
    )["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def add_console_user(iam: Any, name: str) -> None:
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Correct-Horse-9!")


def open_ssh(ec2: Any) -> None:
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    group = ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc["VpcId"])
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )


@pytest.fixture
def org() -> Iterator[Org]:
    with simulated_account():
        # The demo pins every call to one account; here the access key decides (moto's
        # default account for the caller, the assumed role's account for a member).
        pinned = os.environ.pop("MOTO_ACCOUNT_ID")
        try:
            yield from _org()
        finally:
            os.environ["MOTO_ACCOUNT_ID"] = pinned


def _org() -> Iterator[Org]:
    organizations = boto3.client("organizations", region_name="us-east-1")
    organizations.create_organization(FeatureSet="ALL")
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    ou_id = organizations.create_organizational_unit(ParentId=root_id, Name="workloads")[
        "OrganizationalUnit"
    ]["Id"]
    accounts = {"management": ACCOUNT_ID}
    for name in ("prod", "staging", "broken", "excluded"):
        created = organizations.create_account(
            AccountName=f"[bold]{name}[/]" if name == "staging" else name,
            Email=f"{name}@example.com",
        )
        account_id = created["CreateAccountStatus"]["AccountId"]
        accounts[name] = account_id
        if name in ("prod", "staging"):
            organizations.move_account(
                AccountId=account_id, SourceParentId=root_id, DestinationParentId=ou_id
            )
    # Each account its own problems: a console user without MFA in prod only, SSH
    # open to the world in staging's eu-west-1 only, a strict password policy in the
    # management account only.
    add_console_user(member_client(accounts["prod"], "iam"), "prod-alice")
    open_ssh(member_client(accounts["staging"], "ec2", "eu-west-1"))
    boto3.client("iam").update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        PasswordReusePrevention=24,
        MaxPasswordAge=90,
    )
    caller = connect(AwsOptions(regions=REGIONS))
    yield Org(caller, accounts, root_id, ou_id)


def deny_assume(members: Members, account_id: str, seen: list[str]) -> None:
    """Record every AssumeRole; refuse it for `account_id` (a role that does not trust us)."""
    from botocore.exceptions import ClientError

    def handler(model: Any, params: Any, **_: Any) -> None:
        arn = params["body"].get("RoleArn", "") if isinstance(params.get("body"), dict) else ""
        seen.append(str(arn))
        if f":{account_id}:" in str(arn):
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized to assume"}},
                "AssumeRole",
            )

    members._sts.meta.events.register("before-call.sts.AssumeRole", handler)


def test_organization_listing_ous_and_exclusions(org: Org) -> None:
    every = organization_accounts(org.caller)
    assert {t.account_id for t in every} == set(org.accounts.values())
    excluded = organization_accounts(org.caller, exclude=[org.accounts["excluded"]])
    assert org.accounts["excluded"] not in {t.account_id for t in excluded}
    in_ou = organization_accounts(org.caller, ous=[org.ou_id])
    assert {t.account_id for t in in_ou} == {org.accounts["prod"], org.accounts["staging"]}
    names = {t.account_id: t.name for t in named_accounts(org.caller, [org.accounts["prod"]])}
    assert names == {org.accounts["prod"]: "prod"}
    with pytest.raises(AccountsError, match="no active account"):
        organization_accounts(org.caller, exclude=list(org.accounts.values()))


def test_each_finding_in_its_own_account_only(org: Org) -> None:
    pillar = security_pillar()
    targets = organization_accounts(org.caller, exclude=[org.accounts["excluded"]])
    members = Members(org.caller, RoleOptions())
    seen: list[str] = []
    deny_assume(members, org.accounts["broken"], seen)
    accounts_progress: list[tuple[int, int, str]] = []
    scan = AccountsScan(
        org.caller,
        targets,
        select(CHECKS),
        members=members,
        on_account=lambda done, total, now: accounts_progress.append((done, total, now)),
    ).run()

    status = {a.account_id: a for a in scan.accounts}
    assert set(status) == set(org.accounts.values()) - {org.accounts["excluded"]}
    broken = status[org.accounts["broken"]]
    assert broken.status is AccountState.NOT_SCANNED
    assert "cannot assume" in broken.cause and "AccessDenied" in broken.cause
    for name in ("management", "prod", "staging"):
        assert status[org.accounts[name]].status is AccountState.SCANNED
    assert status[org.accounts["staging"]].name == "[bold]staging[/]"  # kept as text

    # The excluded account is not touched (no role assumed there); the caller's own
    # account is scanned with its own credentials (no role assumed there either).
    assert not any(org.accounts["excluded"] in arn for arn in seen)
    assert not any(f":{ACCOUNT_ID}:" in arn for arn in seen)
    assert {r.account_id for r in scan.results} == {
        org.accounts[n] for n in ("management", "prod", "staging")
    }

    def failing(check_id: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for r in scan.results:
            if r.check_id == check_id and r.status is Status.FAIL:
                found.setdefault(r.account_id, set()).update(x.id for x in r.failing)
        return found

    mfa = failing("iam.console_mfa")
    assert set(mfa) == {org.accounts["prod"]}
    assert any("prod-alice" in resource for resource in mfa[org.accounts["prod"]])
    ssh = [
        (r.account_id, r.region)
        for r in scan.results
        if r.check_id == "ec2.sg_open_to_world" and r.status is Status.FAIL
    ]
    assert ssh == [(org.accounts["staging"], "eu-west-1")]
    policy = {r.account_id: r.status for r in scan.results if r.check_id == "iam.password_policy"}
    assert policy[org.accounts["management"]] is Status.PASS
    assert policy[org.accounts["prod"]] is Status.FAIL

    # Roll-up: counted in accounts; met only when met in every scanned account.
    rollup = scan.rollup(pillar, "SEC02-BP01")
    assert "iam.console_mfa fails in 1 of 3 accounts" in rollup.summary()
    assert scan.proposal(pillar, "SEC02-BP01") is Proposal.NOT_MET
    assert accounts_progress[-1] == (4, 4, "")  # nothing left running
    # "now" names every account being scanned at that moment: each scanned one appears,
    # never more at once than the scan opens.
    labels = {t.account_id: t.label for t in targets}
    for name in ("management", "prod", "staging"):
        assert any(labels[org.accounts[name]] in now for _, _, now in accounts_progress)
    for _, _, now in accounts_progress:
        assert sum(label in now for label in labels.values()) <= ACCOUNTS_AT_ONCE


def test_cancel_keeps_what_finished(org: Org) -> None:
    cancel = threading.Event()
    targets = organization_accounts(org.caller)

    def stop_after_first(done: int, total: int, now: str) -> None:
        if done >= 1:
            cancel.set()

    scan = AccountsScan(
        org.caller,
        targets,
        select(CHECKS),
        accounts_at_once=1,
        on_account=stop_after_first,
        cancel=cancel,
    ).run()
    assert scan.cancelled
    states = [a.status for a in scan.accounts]
    assert states[0] is AccountState.SCANNED
    assert AccountState.NOT_SCANNED in states[1:]
    assert all(
        "cancelled" in a.cause for a in scan.accounts[1:] if a.status is AccountState.NOT_SCANNED
    )


def test_an_account_that_denies_everything_is_reported(org: Org) -> None:
    members = Members(org.caller, RoleOptions())
    original = members.open

    def open_denying(target: Target) -> Any:
        aws = original(target)
        for check in select(CHECKS):
            for service in check.services:
                for region in REGIONS:
                    client = aws.clients.get(service, region)
                    client.meta.events.register("before-call", _deny_all)
        return aws

    members.open = open_denying  # type: ignore[method-assign]
    scan = AccountsScan(
        org.caller,
        [Target(ACCOUNT_ID), Target(org.accounts["prod"], "prod")],
        select(CHECKS),
        members=members,
    ).run()
    prod = next(a for a in scan.accounts if a.account_id == org.accounts["prod"])
    assert prod.status is AccountState.NOT_SCANNED
    assert "every check was refused" in prod.cause
    assert not [r for r in scan.results if r.account_id == org.accounts["prod"]]
    assert scan.scanned_accounts() == (ACCOUNT_ID,)


class _Denied:
    status_code = 403
    headers: dict[str, str] = {}
    content = b""
    text = ""


def _deny_all(model: Any, **_: Any) -> Any:
    body = {"Error": {"Code": "AccessDenied", "Message": "no"}, "ResponseMetadata": {}}
    return _Denied(), body


def test_member_credentials_refresh_through_assume_role(org: Org) -> None:
    members = Members(org.caller, RoleOptions(external_id="ext-1"))
    sent: list[dict[str, Any]] = []
    members._sts.meta.events.register(
        "provide-client-params.sts.AssumeRole", lambda params, **_: sent.append(dict(params))
    )
    credentials = members.credentials(org.accounts["prod"])
    assert len(sent) == 1
    assert sent[0]["RoleSessionName"] == "pillar-scan"
    assert sent[0]["ExternalId"] == "ext-1"
    assert sent[0]["RoleArn"].endswith(
        f":{org.accounts['prod']}:role/OrganizationAccountAccessRole"
    )
    # Near its expiry, botocore asks the refresh function again: a long scan goes on.
    credentials._expiry_time = datetime.now(UTC) + timedelta(seconds=30)
    credentials.get_frozen_credentials()
    assert len(sent) == 2
    aws = members.open(Target(org.accounts["prod"]))
    identity = aws.clients.get("sts", "eu-west-1").get_caller_identity()
    assert identity["Account"] == org.accounts["prod"]
    # Member sessions share the caller's loader: models are parsed once per process.
    caller_loader = org.caller.clients.session._session.get_component("data_loader")
    assert aws.clients.session._session.get_component("data_loader") is caller_loader


def test_assume_role_is_allowed_on_one_client_only(org: Org) -> None:
    members = Members(org.caller, RoleOptions())
    members.credentials(org.accounts["prod"])  # allowed on the members' sts client
    with pytest.raises(guard.WriteRefused):
        org.caller.clients.get("sts", "eu-west-1").assume_role(
            RoleArn=f"arn:aws:iam::{org.accounts['prod']}:role/x", RoleSessionName="xx"
        )
    assert not guard.is_read("AssumeRole")
    with pytest.raises(ValueError):
        guard.install(org.caller.clients.get("iam", "eu-west-1"), guard.ASSUME_ROLE)
    with pytest.raises(ValueError):
        from checks.registry import Scope, check

        check(
            "sts.assume",
            "x",
            bps=("SEC01-BP01",),
            service="sts",
            scope=Scope.GLOBAL,
            actions=("sts:AssumeRole",),
        )(lambda ctx: [])


def test_token_bucket_paces_after_the_burst() -> None:
    bucket = TokenBucket(rate=10.0, burst=2.0)
    waits = [bucket.take() for _ in range(4)]
    assert waits[:2] == [0.0, 0.0]
    assert 0.05 < waits[2] <= 0.11
    assert waits[3] > waits[2]


def _cli_org_scan(
    org: Org, capsys: pytest.CaptureFixture[str], *extra: str, table: bool = False
) -> str:
    """`pillar scan --organization` without the excluded account, CHECKS only: stdout."""
    from cli.main import main

    args = ["scan", "--organization", "--exclude-account", org.accounts["excluded"], *extra]
    args += [] if table else ["--format", "json"]
    for pattern in CHECKS:
        args += ["--check", pattern]
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    assert exited.value.code in (0, None), err
    return out


def test_cli_scan_organization_json(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cli.main import main

    out = _cli_org_scan(org, capsys, "--region", "eu-west-1", "--region", "us-east-1")
    data = json.loads(out)
    listed = {a["account_id"]: a["status"] for a in data["accounts"]}
    assert org.accounts["excluded"] not in listed
    assert listed[org.accounts["prod"]] == "scanned"
    assert all("account_id" in c for c in data["checks"])
    bp = data["best_practices"]["SEC02-BP01"]
    assert bp["accounts"]["failing_checks"]["iam.console_mfa"] == [org.accounts["prod"]]
    with pytest.raises(SystemExit) as exited:
        main(["scan", "--ou", "ou-x", "--format", "json"])
    assert exited.value.code == 1
    assert "--organization" in capsys.readouterr().err


def test_cli_scan_organization_table_counts_accounts(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _cli_org_scan(org, capsys, "--region", "eu-west-1", table=True)
    scanned = [line for line in out.splitlines() if "account(s) scanned" in line]
    assert len(scanned) == 1
    count = int(scanned[0].split()[0])
    assert count >= 2
    summary = [line for line in out.splitlines() if "region(s)" in line]
    assert summary and summary[-1].startswith(f"{count} account(s) from "), summary


GUARDRAIL_SCP = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": [
                "organizations:LeaveOrganization",
                "cloudtrail:StopLogging",
                "cloudtrail:DeleteTrail",
                "guardduty:*",
                "config:StopConfigurationRecorder",
                "config:DeleteConfigurationRecorder",
                "securityhub:DisableSecurityHub",
            ],
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/Admin"}},
        }
    ],
}


def org_results(org: Org, pattern: str) -> dict[str, Any]:
    from checks.runner import run_scan

    scan = run_scan(org.caller, select((pattern,)))
    return {r.check_id: r for r in scan.results}


def test_organization_checks_from_the_management_account(org: Org) -> None:
    import json

    organizations = boto3.client("organizations", region_name="us-east-1")
    found = org_results(org, "organizations.*")
    ous = found["organizations.ou_structure"]
    assert ous.status is Status.FAIL
    failing = {r.id.rsplit("/", 1)[-1] for r in ous.failing}
    assert failing == {org.accounts["broken"], org.accounts["excluded"]}
    guard_result = found["organizations.scp_guardrails"]
    assert len(guard_result.failing) == 4  # no guardrail SCP yet, management excluded
    assert "leaving the organization" in guard_result.failing[0].detail

    policy = organizations.create_policy(
        Content=json.dumps(GUARDRAIL_SCP),
        Description="guardrails",
        Name="guardrails",
        Type="SERVICE_CONTROL_POLICY",
    )["Policy"]["PolicySummary"]["Id"]
    organizations.attach_policy(PolicyId=policy, TargetId=org.ou_id)
    organizations.register_delegated_administrator(
        AccountId=org.accounts["prod"], ServicePrincipal="guardduty.amazonaws.com"
    )
    found = org_results(org, "organizations.*")
    guard_result = found["organizations.scp_guardrails"]
    passing = {r.id.rsplit("/", 1)[-1] for r in guard_result.resources if r.status is Status.PASS}
    assert passing == {org.accounts["prod"], org.accounts["staging"]}  # under the OU
    assert {r.id.rsplit("/", 1)[-1] for r in guard_result.failing} == {
        org.accounts["broken"],
        org.accounts["excluded"],
    }
    admins = {r.id: r.status for r in found["organizations.detection_admins"].resources}
    assert admins["guardduty.amazonaws.com"] is Status.PASS
    assert admins["securityhub.amazonaws.com"] is Status.FAIL
    trail = found["organizations.organization_trail"]
    assert trail.status is Status.FAIL

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="org-trail-logs")
    cloudtrail = boto3.client("cloudtrail", region_name="eu-west-1")
    cloudtrail.create_trail(
        Name="org", S3BucketName="org-trail-logs", IsOrganizationTrail=True, IsMultiRegionTrail=True
    )
    cloudtrail.start_logging(Name="org")
    assert (
        org_results(org, "organizations.organization_trail")[
            "organizations.organization_trail"
        ].status
        is Status.PASS
    )


def test_organization_checks_run_from_the_caller_only(org: Org) -> None:
    scan = AccountsScan(
        org.caller,
        [Target(org.accounts["prod"], "prod")],
        select(("organizations.ou_structure",)),
    ).run()
    # Run from the management account as the caller (not a target): attributed to it.
    by_account = {r.account_id: r for r in scan.results}
    assert set(by_account) == {ACCOUNT_ID}
    assert scan.accounts[0].cause == "organization-level checks only"


def test_access_analyzer_organization_zone(org: Org) -> None:
    from checks.calls import CallLayer
    from checks.runner import run_scan

    check = select(("accessanalyzer.organization_zone",))
    layer = CallLayer(org.caller.clients)
    stubs = []
    from botocore.stub import Stubber

    for region in REGIONS:
        stub = Stubber(org.caller.clients.get("accessanalyzer", region))
        stub.add_response(
            "list_analyzers",
            {
                "analyzers": [
                    {
                        "arn": f"arn:aws:access-analyzer:{region}:{ACCOUNT_ID}:analyzer/org",
                        "name": "org",
                        "type": "ORGANIZATION",
                        "createdAt": datetime(2026, 1, 1, tzinfo=UTC),
                        "status": "ACTIVE" if region == "eu-west-1" else "CREATING",
                    },
                    {  # listed unfiltered: an account analyzer is not the organization's
                        "arn": f"arn:aws:access-analyzer:{region}:{ACCOUNT_ID}:analyzer/acct",
                        "name": "acct",
                        "type": "ACCOUNT",
                        "createdAt": datetime(2026, 1, 1, tzinfo=UTC),
                        "status": "ACTIVE",
                    },
                ]
            },
            {},
        )
        stub.activate()
        stubs.append(stub)
    try:
        result = run_scan(org.caller, check, calls=layer).results[0]
    finally:
        for stub in stubs:
            stub.deactivate()
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [
        f"arn:aws:access-analyzer:eu-west-1:{ACCOUNT_ID}:analyzer/org"
    ]


def test_organization_policies() -> None:
    from checks.org_policy import organization_policies
    from checks.registry import Scope, all_checks

    checks = all_checks()
    found = organization_policies(checks, "OrganizationAccountAccessRole")
    management = found["management_account"]["Statement"]
    assert management[1]["Action"] == "sts:AssumeRole"
    assert management[1]["Resource"] == "arn:aws:iam::*:role/OrganizationAccountAccessRole"
    assert "organizations:ListAccounts" in management[0]["Action"]
    member = set(found["member_role"]["policy"]["Statement"][0]["Action"])
    assert "sts:AssumeRole" not in member
    every_account = {a for c in checks if c.scope is not Scope.ORGANIZATION for a in c.actions}
    assert every_account <= member
    assert "organizations:ListTargetsForPolicy" in set(management[0]["Action"])
    role = found["stackset_template"]["Resources"]["PillarScanRole"]["Properties"]
    assert role["Policies"][0]["PolicyDocument"] == found["member_role"]["policy"]
    assert role["RoleName"] == "OrganizationAccountAccessRole"


# --- organization-level checks: where they run, and what a member account says --------

ORGANIZATION_CHECKS = tuple(c for c in select(()) if c.scope is Scope.ORGANIZATION)
# What AWS refuses a member account that is no delegated administrator (moto allows it).
ADMIN_ONLY = (
    "ListRoots",
    "ListAccounts",
    "ListAccountsForParent",
    "ListOrganizationalUnitsForParent",
    "ListPolicies",
    "ListTargetsForPolicy",
    "DescribePolicy",
    "ListDelegatedAdministrators",
    "ListDelegatedServicesForAccount",
)


def refuse_admin_reads(aws: Any) -> None:
    from checks.testing import _Denied

    def refuse(model: Any, **_: Any) -> Any:
        message = (
            "You don't have permissions to access this resource: this operation can be called "
            "only from the organization's management account or by a delegated administrator."
        )
        body = {
            "Error": {"Code": "AccessDeniedException", "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return (_Denied(), body) if model.name in ADMIN_ONLY else None

    for region in {*aws.regions, aws.home_region}:
        aws.clients.get("organizations", region).meta.events.register("before-call", refuse)


def test_organization_checks_are_not_applicable_from_a_member_account(org: Org) -> None:
    from checks.runner import run_scan

    member = Members(org.caller, RoleOptions()).open(Target(org.accounts["prod"], "prod"))
    refuse_admin_reads(member)
    from botocore.stub import Stubber

    stubs = []
    for region in REGIONS:  # moto lacks Access Analyzer: a member has no organization analyzer
        stub = Stubber(member.clients.get("accessanalyzer", region))
        stub.add_response("list_analyzers", {"analyzers": []}, {})
        stub.activate()
        stubs.append(stub)
    results = {r.check_id: r for r in run_scan(member, ORGANIZATION_CHECKS).results}
    for stub in stubs:
        stub.assert_no_pending_responses()
    assert set(results) == {c.id for c in ORGANIZATION_CHECKS}
    # The organization trail is read from the account's own CloudTrail: an organization
    # trail shows in every member account, so a member can answer that one itself.
    results.pop("organizations.organization_trail")
    for check_id, result in results.items():
        assert result.status is Status.NOT_APPLICABLE, (check_id, result)
        assert f"only the management account ({ACCOUNT_ID})" in result.reason, result.reason
        assert "scan from there" in result.reason
        assert result.account_id == org.accounts["prod"]


def test_organization_checks_are_not_applicable_outside_an_organization() -> None:
    from checks.testing import simulated_harness

    with simulated_harness() as account:  # no organization: AWSOrganizationsNotInUse
        for check in ORGANIZATION_CHECKS:
            result = account.one(check.id)
            assert result.status is Status.NOT_APPLICABLE, result
            assert result.reason == "the account is not in an AWS Organization"


def test_organization_checks_refused_the_organization_are_unknown_not_nothing() -> None:
    """Refused organizations:DescribeOrganization, pillar cannot tell a member from the
    management account: access denied (UNKNOWN, naming the action), never NOT_APPLICABLE,
    so the missing permission shows (pillar iam-policy) instead of hiding as "nothing"."""
    from checks.result import Cause
    from checks.testing import simulated_harness

    with simulated_harness() as account:
        account.client("organizations", "us-east-1").create_organization(FeatureSet="ALL")
        account.deny("organizations:DescribeOrganization")
        for check in ORGANIZATION_CHECKS:
            result = account.one(check.id)
            assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
            assert result.missing_action == "organizations:DescribeOrganization"


def test_organization_checks_run_once_from_the_caller_in_a_multi_account_scan(
    org: Org,
) -> None:
    targets = [Target(ACCOUNT_ID), Target(org.accounts["prod"]), Target(org.accounts["staging"])]
    checks = (*ORGANIZATION_CHECKS, *select(("iam.password_policy",)))
    scan = AccountsScan(org.caller, targets, checks).run()
    organization = {c.id for c in ORGANIZATION_CHECKS}
    found = [r for r in scan.results if r.check_id in organization]
    assert sorted(r.check_id for r in found) == sorted(organization)  # once each
    assert {r.account_id for r in found} == {ACCOUNT_ID}
    per_account = {r.account_id for r in scan.results if r.check_id == "iam.password_policy"}
    assert per_account == {t.account_id for t in targets}
    assert [a.cause for a in scan.accounts] == ["", "", ""]  # the caller is a target itself


# --- record and replay a multi-account scan ---------------------------------------------


def test_a_multi_account_scan_records_and_replays_offline(
    org: Org, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import gzip
    import socket

    from checks.recording import (
        RecordedRole,
        Recorder,
        load,
        replay_accounts_scan,
        save,
    )

    recorder = Recorder()
    caller = connect(AwsOptions(regions=REGIONS), tap=recorder)
    targets = [
        t
        for t in organization_accounts(caller)
        if t.account_id in (ACCOUNT_ID, org.accounts["prod"], org.accounts["staging"])
    ]
    role = RoleOptions(external_id="pillar-shared-external-id")
    members = Members(caller, role, tap=recorder)
    checks = select((*CHECKS, "organizations.ou_structure"))
    live = AccountsScan(caller, targets, checks, members=members).run()
    assert members.assumed == 2
    recording = recorder.recording(
        caller.account_id,
        caller.regions,
        caller.home_region,
        accounts=[(t.account_id, t.name) for t in targets],
        role=RecordedRole(role.role_name, role.session_name, role.duration_s, True),
    )
    path = tmp_path / "org.json.gz"
    save(recording, path)
    text = gzip.decompress(path.read_bytes()).decode()
    assert "pillar-shared-external-id" not in text  # keyed REDACTED
    assert '"AssumeRole"' in text and "<SessionToken>REDACTED</SessionToken>" in text
    assert {c.account for c in recording.calls} == {
        "",
        org.accounts["prod"],
        org.accounts["staging"],
    }

    # The world changes after the recording: a replay still says what was recorded.
    member_client(org.accounts["prod"], "iam").delete_login_profile(UserName="prod-alice")

    # No network, no credentials, a broken AWS config: nothing of it is needed.
    attempts: list[Any] = []

    def refuse(*args: Any, **_: Any) -> Any:
        attempts.append(args)
        raise OSError("network access is blocked in this test")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    broken = tmp_path / "config"
    broken.write_text("[profile nope]\nregion = nowhere\ncredential_process = /bin/false\n")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "nope")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(broken))

    replayed, replayer = replay_accounts_scan(load(path), checks)
    assert attempts == []
    assert replayer.misses == set()
    assert replayed.accounts == live.accounts
    by_account = lambda scan: {  # noqa: E731
        a.account_id: [r.to_dict() for r in scan.results if r.account_id == a.account_id]
        for a in scan.accounts
    }
    assert by_account(replayed) == by_account(live)
    mfa = {r.account_id: r.status for r in replayed.results if r.check_id == "iam.console_mfa"}
    assert mfa[org.accounts["prod"]] is Status.FAIL  # as recorded, not as moto is now


def test_cli_records_and_replays_an_organization_scan(
    org: Org, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    import json

    from cli.main import main

    def scan(*extra: str) -> dict[str, Any]:
        args = ["scan", "--format", "json", *extra]
        for pattern in CHECKS:
            args += ["--check", pattern]
        with pytest.raises(SystemExit) as exited:
            main(args)
        out, err = capsys.readouterr()
        assert exited.value.code in (0, None), err
        return dict(json.loads(out))

    path = tmp_path / "org.json.gz"
    regions = ["--region", "eu-west-1", "--region", "us-east-1"]
    live = scan(
        "--organization",
        "--exclude-account",
        org.accounts["excluded"],
        *regions,
        "--record",
        str(path),
    )
    replayed = scan("--replay", str(path))
    assert replayed["accounts"] == live["accounts"]
    assert replayed["checks"] == live["checks"]
    assert replayed["best_practices"] == live["best_practices"]
    with pytest.raises(SystemExit) as exited:
        main(["scan", "--replay", str(path), "--organization"])
    assert exited.value.code == 1
    assert "drop --organization/--account" in capsys.readouterr().err
