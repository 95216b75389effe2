"""Compute checks (SEC06) under moto, and botocore's Stubber where moto lacks the operation."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from checks.compute import _wildcard_match, days_ago
from checks.demo import ACCOUNT_ID, EXAMPLE_AMI
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"
WHERE = f"{ACCOUNT_ID}/{EU}"
SIGNER = f"arn:aws:signer:{EU}:{ACCOUNT_ID}:/signing-profiles/"


def instance_arn(instance_id: str, region: str = EU) -> str:
    return f"arn:aws:ec2:{region}:{ACCOUNT_ID}:instance/{instance_id}"


def launch(
    account: Harness,
    region: str = EU,
    *,
    tokens: str = "required",
    endpoint: str = "enabled",
    image: str = EXAMPLE_AMI,
) -> str:
    ec2 = account.client("ec2", region)
    response = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": endpoint},
    )
    return str(response["Instances"][0]["InstanceId"])


def function(account: Harness, name: str, region: str = EU, **extra: object) -> str:
    iam = account.client("iam")
    try:
        role = iam.get_role(RoleName="fn")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def h(e, c):\n    return 1\n")
    response = account.client("lambda", region).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="h.h",
        Code={"ZipFile": buffer.getvalue()},
        **extra,
    )
    return str(response["FunctionArn"])


def denied(account: Harness, check_id: str, action: str, region: str = EU) -> None:
    account.deny(action)
    result = account.run(check_id)[region]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == action


def instance_page(ids: list[str], token: str | None = None, **options: str) -> dict[str, object]:
    page: dict[str, object] = {
        "Reservations": [
            {
                "ReservationId": f"r-{i}",
                "Instances": [
                    {
                        "InstanceId": i,
                        "ImageId": EXAMPLE_AMI,
                        "State": {"Code": 16, "Name": "running"},
                        "MetadataOptions": {"HttpTokens": options.get("tokens", "required")},
                    }
                ],
            }
            for i in ids
        ]
    }
    if token:
        page["NextToken"] = token
    return page


# --- inspector2.compute_scanning -------------------------------------------------------


def test_inspector_not_applicable_without_compute(account):
    results = account.run("inspector2.compute_scanning")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}


def test_inspector_fails_where_compute_is_not_scanned(account):
    launch(account)
    function(account, "api")
    result = account.run("inspector2.compute_scanning")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {WHERE}
    assert "EC2 (1 instance)" in result.failing[0].detail
    assert "Lambda (1 function)" in result.failing[0].detail
    account.client("inspector2", EU).enable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2"])
    result = account.run("inspector2.compute_scanning")[EU]
    assert result.status is Status.FAIL
    assert "EC2" not in result.failing[0].detail and "Lambda" in result.failing[0].detail


def test_inspector_passes_when_every_present_kind_is_scanned(account):
    launch(account)
    account.client("ecr", EU).create_repository(repositoryName="app")
    account.client("inspector2", EU).enable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2", "ECR"])
    results = account.run("inspector2.compute_scanning")
    assert results[EU].status is Status.PASS  # no Lambda here: Lambda scanning not required
    assert results[US].status is Status.NOT_APPLICABLE


def test_inspector_failed_account_is_unknown(account):
    launch(account)
    stub = account.stub("inspector2", EU)
    stub.add_response(
        "batch_get_account_status",
        {
            "accounts": [],
            "failedAccounts": [
                {"accountId": ACCOUNT_ID, "errorCode": "ACCESS_DENIED", "errorMessage": "no"}
            ],
        },
    )
    result = account.run("inspector2.compute_scanning")[EU]
    assert result.status is Status.UNKNOWN


def test_inspector_denied(account):
    launch(account)
    denied(account, "inspector2.compute_scanning", "inspector2:BatchGetAccountStatus")


# --- ecr.image_scanning ----------------------------------------------------------------


def test_ecr_scanning_pass_fail_and_not_applicable(account):
    assert account.run("ecr.image_scanning")[EU].status is Status.NOT_APPLICABLE
    ecr = account.client("ecr", EU)
    ecr.create_repository(repositoryName="good", imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="bad")
    result = account.run("ecr.image_scanning")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:ecr:{EU}:{ACCOUNT_ID}:repository/bad"}


def test_ecr_scanning_registry_rules_cover_repositories(account):
    ecr = account.client("ecr", EU)
    ecr.create_repository(repositoryName="prod-api")
    ecr.create_repository(repositoryName="dev/tool")
    ecr.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[
            {
                "scanFrequency": "CONTINUOUS_SCAN",
                "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}],
            }
        ],
    )
    result = account.run("ecr.image_scanning")[EU]
    assert failing_ids(result) == {f"arn:aws:ecr:{EU}:{ACCOUNT_ID}:repository/dev/tool"}
    ecr.put_registry_scanning_configuration(
        scanType="BASIC",
        rules=[
            {
                "scanFrequency": "SCAN_ON_PUSH",
                "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}],
            }
        ],
    )
    assert account.run("ecr.image_scanning")[EU].status is Status.PASS


def test_wildcard_filters():
    assert _wildcard_match("*", "anything")
    assert _wildcard_match("prod-*", "prod-api")
    assert not _wildcard_match("prod-*", "dev-prod-api")
    assert _wildcard_match("*-api*", "prod-api-v2")
    assert _wildcard_match("a*b*c", "abc") and not _wildcard_match("a*b*c", "acb")
    assert _wildcard_match("exact", "exact") and not _wildcard_match("exact", "exactly")
    assert not _wildcard_match("ab*ba", "aba")  # prefix and suffix may not overlap


def test_ecr_scanning_denied(account):
    account.client("ecr", EU).create_repository(repositoryName="repo")
    denied(account, "ecr.image_scanning", "ecr:GetRegistryScanningConfiguration")


# --- ssm.managed_instances (moto has no SSM inventory: Stubber) ------------------------


def test_managed_instances_not_applicable_without_running_instances(account):
    assert account.run("ssm.managed_instances")[EU].status is Status.NOT_APPLICABLE


def test_managed_instances_unknown_where_the_endpoint_lacks_inventory(account):
    launch(account)
    result = account.run("ssm.managed_instances")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


def test_managed_instances_reads_every_page(account):
    online, lost, unmanaged = launch(account), launch(account), launch(account)
    stub = account.stub("ssm", EU)
    stub.add_response(
        "describe_instance_information",
        {
            "InstanceInformationList": [{"InstanceId": online, "PingStatus": "Online"}],
            "NextToken": "t",
        },
        {},
    )
    stub.add_response(
        "describe_instance_information",
        {"InstanceInformationList": [{"InstanceId": lost, "PingStatus": "ConnectionLost"}]},
        {"NextToken": "t"},
    )
    result = account.run("ssm.managed_instances")[EU]
    stub.assert_no_pending_responses()
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn(lost), instance_arn(unmanaged)}
    details = {r.id: r.detail for r in result.resources}
    assert "ConnectionLost" in details[instance_arn(lost)]
    assert "not a Systems Manager managed node" in details[instance_arn(unmanaged)]


def test_managed_instances_pass(account):
    online = launch(account)
    stub = account.stub("ssm", EU)
    stub.add_response(
        "describe_instance_information",
        {"InstanceInformationList": [{"InstanceId": online, "PingStatus": "Online"}]},
    )
    assert account.run("ssm.managed_instances")[EU].status is Status.PASS


def test_managed_instances_denied(account):
    launch(account)
    denied(account, "ssm.managed_instances", "ssm:DescribeInstanceInformation")


# --- ec2.instance_images ---------------------------------------------------------------


def test_instance_images_show_source_and_never_fail_on_source_alone(account):
    assert account.run("ec2.instance_images")[EU].status is Status.NOT_APPLICABLE
    ec2 = account.client("ec2", EU)
    builder = launch(account)
    image = ec2.create_image(InstanceId=builder, Name="golden")["ImageId"]
    ec2.terminate_instances(InstanceIds=[builder])
    golden = launch(account, image=image)
    missing = launch(account, image="ami-00000000000000000")
    result = account.run("ec2.instance_images")[EU]
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert set(details) == {instance_arn(golden), instance_arn(missing)}  # terminated: gone
    assert "built in this account" in details[instance_arn(golden)]
    assert "no longer visible" in details[instance_arn(missing)]


def test_instance_images_fail_when_allowed_amis_rejects_the_image(account):
    stub = account.stub("ec2", EU)
    stub.add_response("describe_instances", instance_page(["i-1", "i-2"]))
    old = datetime.now(UTC) - timedelta(days=400)
    stub.add_response(
        "describe_images",
        {
            "Images": [
                {
                    "ImageId": EXAMPLE_AMI,
                    "OwnerId": "111122223333",
                    "Public": True,
                    "CreationDate": old.isoformat(),
                    "ImageAllowed": False,
                }
            ]
        },
        {"Filters": [{"Name": "image-id", "Values": [EXAMPLE_AMI]}]},
    )
    result = account.run("ec2.instance_images")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn("i-1"), instance_arn("i-2")}
    detail = result.failing[0].detail
    assert "public image of account 111122223333" in detail and "400 days" in detail


def test_instance_images_denied(account):
    launch(account)
    denied(account, "ec2.instance_images", "ec2:DescribeImages")


def test_days_ago():
    assert days_ago(datetime.now(UTC) - timedelta(days=3)) == 3
    assert days_ago("2020-01-01T00:00:00.000Z") is not None
    assert days_ago("not a date") is None and days_ago(None) is None


# --- ec2.allowed_images (moto lacks it: Stubber) ---------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("enabled", Status.PASS),
        ("audit-mode", Status.PASS),
        ("disabled", Status.NOT_APPLICABLE),  # an SCP may restrict launches instead: no FAIL
    ],
)
def test_allowed_images(account, state, expected):
    stub = account.stub("ec2", EU)
    stub.add_response(
        "get_allowed_images_settings",
        {"State": state, "ImageCriteria": [{"ImageProviders": ["amazon"]}]},
    )
    assert account.run("ec2.allowed_images")[EU].status is expected


def test_allowed_images_unknown(account):
    result = account.run("ec2.allowed_images")[EU]  # moto does not implement it
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied(account, "ec2.allowed_images", "ec2:GetAllowedImagesSettings")


# --- imagebuilder.pipelines (moto lacks Image Builder: Stubber) -------------------------


def test_image_builder_pipelines_over_pages(account):
    stub = account.stub("imagebuilder", EU)
    arn = f"arn:aws:imagebuilder:{EU}:{ACCOUNT_ID}:image-pipeline/"
    stub.add_response(
        "list_image_pipelines",
        {
            "imagePipelineList": [
                {
                    "arn": arn + "golden",
                    "status": "ENABLED",
                    "schedule": {"scheduleExpression": "cron(0 0 * * ? *)"},
                }
            ],
            "nextToken": "n",
        },
        {},
    )
    stub.add_response(
        "list_image_pipelines",
        {"imagePipelineList": [{"arn": arn + "manual", "status": "DISABLED"}]},
        {"nextToken": "n"},
    )
    result = account.run("imagebuilder.pipelines")[EU]
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert "schedule" in details[arn + "golden"] and "disabled" in details[arn + "manual"]


def test_image_builder_none_is_not_a_failure(account):
    stub = account.stub("imagebuilder", EU)
    stub.add_response("list_image_pipelines", {"imagePipelineList": []})
    assert account.run("imagebuilder.pipelines")[EU].status is Status.NOT_APPLICABLE


def test_image_builder_unknown(account):
    result = account.run("imagebuilder.pipelines")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied(account, "imagebuilder.pipelines", "imagebuilder:ListImagePipelines")


# --- lambda.code_signing ---------------------------------------------------------------

CSC = f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:code-signing-config:csc-0123456789abcdef0"


def test_code_signing_under_moto(account):
    assert account.run("lambda.code_signing")[EU].status is Status.NOT_APPLICABLE
    signed = function(account, "signed", CodeSigningConfigArn=CSC)
    unsigned = function(account, "unsigned")
    result = account.run("lambda.code_signing")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {unsigned}
    # moto cannot read the config itself: attached, policy not readable (no FAIL for it)
    assert "not readable" in {r.id: r.detail for r in result.resources}[signed]


def _fn(name: str, package: str = "Zip") -> dict[str, str]:
    return {
        "FunctionName": name,
        "FunctionArn": f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:{name}",
        "PackageType": package,
    }


@pytest.mark.parametrize(("policy", "expected"), [("Enforce", Status.PASS), ("Warn", Status.FAIL)])
def test_code_signing_policy(account, policy, expected):
    stub = account.stub("lambda", EU)
    stub.add_response("list_functions", {"Functions": [_fn("a"), _fn("img", "Image")]})
    arn = _fn("a")["FunctionArn"]
    stub.add_response(
        "get_function_code_signing_config",
        {"CodeSigningConfigArn": CSC, "FunctionName": "a"},
        {"FunctionName": arn},
    )
    stub.add_response(
        "get_code_signing_config",
        {
            "CodeSigningConfig": {
                "CodeSigningConfigId": "csc-0123456789abcdef0",
                "CodeSigningConfigArn": CSC,
                "AllowedPublishers": {"SigningProfileVersionArns": [f"{SIGNER}lambda/1"]},
                "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": policy},
                "LastModified": "2026-01-01T00:00:00Z",
            }
        },
        {"CodeSigningConfigArn": CSC},
    )
    result = account.run("lambda.code_signing")[EU]
    stub.assert_no_pending_responses()
    assert result.status is expected
    assert {r.id for r in result.resources} == {arn}  # container images cannot be signed


def test_code_signing_denied(account):
    function(account, "f")
    denied(account, "lambda.code_signing", "lambda:GetFunctionCodeSigningConfig")


# --- signer.signing_profiles (moto lacks the listing: Stubber) --------------------------


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


# --- ec2.imdsv2_required ---------------------------------------------------------------


def test_imdsv2(account):
    assert account.run("ec2.imdsv2_required")[EU].status is Status.NOT_APPLICABLE
    good = launch(account)
    off = launch(account, tokens="optional", endpoint="disabled")
    bad = launch(account, tokens="optional")
    gone = launch(account, tokens="optional")
    account.client("ec2", EU).terminate_instances(InstanceIds=[gone])
    result = account.run("ec2.imdsv2_required")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn(bad)}
    assert {r.id for r in result.resources} == {instance_arn(i) for i in (good, off, bad)}
    assert account.run("ec2.imdsv2_required")[US].status is Status.NOT_APPLICABLE


def test_imdsv2_reads_every_page(account):
    stub = account.stub("ec2", EU)
    stub.add_response("describe_instances", instance_page(["i-1"], token="p2"), {})
    stub.add_response(
        "describe_instances", instance_page(["i-2"], tokens="optional"), {"NextToken": "p2"}
    )
    result = account.run("ec2.imdsv2_required")[EU]
    stub.assert_no_pending_responses()
    assert failing_ids(result) == {instance_arn("i-2")}
    assert len(result.resources) == 2


def test_imdsv2_denied(account):
    denied(account, "ec2.imdsv2_required", "ec2:DescribeInstances")


# --- ssm.patching ----------------------------------------------------------------------


def test_patching_evidence(account):
    assert account.run("ssm.patching")[EU].status is Status.NOT_APPLICABLE
    ssm = account.client("ssm", EU)
    ssm.create_maintenance_window(
        Name="weekly", Schedule="rate(7 days)", Duration=2, Cutoff=1, AllowUnassociatedTargets=False
    )
    ssm.create_patch_baseline(Name="linux", OperatingSystem="AMAZON_LINUX_2023")
    result = account.run("ssm.patching")[EU]
    assert result.status is Status.PASS
    assert len(result.resources) == 2
    assert all(r.id.startswith(f"arn:aws:ssm:{EU}:{ACCOUNT_ID}:") for r in result.resources)


def test_patching_ignores_disabled_windows_and_reads_pages(account):
    stub = account.stub("ssm", EU)
    window = {"WindowId": "mw-0123456789abcdef0", "Name": "off", "Enabled": False}
    stub.add_response(
        "describe_maintenance_windows", {"WindowIdentities": [window], "NextToken": "n"}, {}
    )
    stub.add_response(
        "describe_maintenance_windows",
        {"WindowIdentities": [{**window, "WindowId": "mw-0123456789abcdef1"}]},
        {"NextToken": "n"},
    )
    stub.add_response("describe_patch_baselines", {"BaselineIdentities": []})
    assert account.run("ssm.patching")[EU].status is Status.NOT_APPLICABLE
    stub.assert_no_pending_responses()


def test_patching_denied(account):
    denied(account, "ssm.patching", "ssm:DescribeMaintenanceWindows")


# --- guardduty.compute_protection ------------------------------------------------------


def test_guardduty_compute_protection(account):
    assert account.run("guardduty.compute_protection")[EU].status is Status.NOT_APPLICABLE
    launch(account)
    result = account.run("guardduty.compute_protection")[EU]
    assert result.status is Status.FAIL and failing_ids(result) == {WHERE}
    guardduty = account.client("guardduty", EU)
    detector = guardduty.create_detector(Enable=False)["DetectorId"]
    assert account.run("guardduty.compute_protection")[EU].status is Status.FAIL
    guardduty.update_detector(DetectorId=detector, Enable=True)
    result = account.run("guardduty.compute_protection")[EU]
    assert result.status is Status.PASS  # on, without compute features: shown, not failed
    assert "without Runtime Monitoring" in result.resources[0].detail
    guardduty.update_detector(
        DetectorId=detector, Features=[{"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"}]
    )
    result = account.run("guardduty.compute_protection")[EU]
    assert "Malware Protection for EC2" in result.resources[0].detail
    assert result.resources[0].id.endswith(f"detector/{detector}")


def test_guardduty_compute_protection_denied(account):
    launch(account)
    denied(account, "guardduty.compute_protection", "guardduty:ListDetectors")


# --- ec2.instance_admin_ports ----------------------------------------------------------


def _group(account: Harness, name: str, *permissions: dict[str, object]) -> str:
    ec2 = account.client("ec2", EU)
    group = str(ec2.create_security_group(GroupName=name, Description=name)["GroupId"])
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=list(permissions))
    return group


def test_instance_admin_ports(account):
    assert account.run("ec2.instance_admin_ports")[EU].status is Status.NOT_APPLICABLE
    ssh = _group(
        account,
        "ssh",
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    )
    rdp_v6 = _group(
        account,
        "all-v6",
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    )
    office = _group(
        account,
        "office",
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        },
    )
    ec2 = account.client("ec2", EU)
    ids = {}
    for name, group in (("ssh", ssh), ("v6", rdp_v6), ("office", office)):
        ids[name] = ec2.run_instances(
            ImageId=EXAMPLE_AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[group]
        )["Instances"][0]["InstanceId"]
    _group(  # open, but attached to nothing: ec2.sg_open_to_world reports it, not this check
        account,
        "unused",
        {
            "IpProtocol": "tcp",
            "FromPort": 3389,
            "ToPort": 3389,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        },
    )
    result = account.run("ec2.instance_admin_ports")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn(ids["ssh"]), instance_arn(ids["v6"])}
    details = {r.id: r.detail for r in result.resources}
    assert details[instance_arn(ids["ssh"])] == f"SSH (22) from 0.0.0.0/0 via {ssh} (ssh)"
    assert "RDP (3389) from ::/0" in details[instance_arn(ids["v6"])]


def test_instance_admin_ports_denied(account):
    launch(account)
    denied(account, "ec2.instance_admin_ports", "ec2:DescribeSecurityGroups")
