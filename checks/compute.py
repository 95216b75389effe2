"""Compute protection: vulnerability management, images, managed access, integrity (SEC06).

What moto cannot answer (SSM instance inventory, Image Builder, Signer profiles, Lambda
code signing configs, Allowed AMIs) ends UNKNOWN there ("the endpoint does not implement
..."); tests use botocore's Stubber for those.

Several best practices here are partly about process (`signal` in the bank). Where the
absence of something is no proof of a gap (no Image Builder pipeline: images may be built
with Packer; no maintenance window: patch policies may patch), the check reports what it
found and says "nothing to examine" otherwise, rather than a FAIL that would propose "not
met" on a well-run account.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from checks.calls import CallFailed
from checks.clock import scan_now
from checks.registry import (
    Context,
    Outcome,
    Scope,
    check,
    failed,
    not_applicable,
    passed,
    unknown,
)
from checks.result import Cause, Resource

GONE = {"terminated", "shutting-down"}
RUNNING = "running"
DESCRIBE_INSTANCES = "ec2:DescribeInstances"
LIST_FUNCTIONS = "lambda:ListFunctions"
DESCRIBE_REPOSITORIES = "ecr:DescribeRepositories"


# --- shared readers ------------------------------------------------------------------


def instances(ctx: Context, region: str | None = None) -> list[dict[str, Any]]:
    """Every instance of the region that still exists (not terminated or shutting down)."""
    response = ctx.call("ec2", "describe_instances", region=region)
    return [
        instance
        for reservation in response.get("Reservations", [])
        for instance in reservation.get("Instances", [])
        if instance.get("State", {}).get("Name") not in GONE
    ]


def instance_arn(ctx: Context, instance: dict[str, Any]) -> str:
    return (
        f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:instance/"
        f"{instance.get('InstanceId')}"
    )


def instance_label(instance: dict[str, Any]) -> str:
    """' (Name: x)' when the instance has a Name tag (untrusted text: kept as is)."""
    for tag in instance.get("Tags", []) or []:
        if tag.get("Key") == "Name" and tag.get("Value"):
            return f" (Name: {tag['Value']})"
    return ""


def repositories(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("ecr", "describe_repositories").get("repositories", []))


def functions(ctx: Context) -> list[dict[str, Any]]:
    """Lambda functions (configuration only: environment values are never kept)."""
    return list(ctx.call("lambda", "list_functions").get("Functions", []))


def days_ago(value: Any, now: datetime | None = None) -> int | None:
    """Days since a datetime or ISO string from AWS (None when absent or unreadable)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    age: int = ((now or scan_now()) - value).days
    return age


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


# --- SEC06-BP01 vulnerability management ---------------------------------------------

INSPECTOR_ON = {"ENABLED", "ENABLING"}


@check(
    "inspector2.compute_scanning",
    "Amazon Inspector scans the EC2 instances, ECR images and Lambda functions of the region",
    bps=("SEC06-BP01", "SEC11-BP02"),
    service="inspector2",
    scope=Scope.REGIONAL,
    actions=(
        "inspector2:BatchGetAccountStatus",
        DESCRIBE_INSTANCES,
        DESCRIBE_REPOSITORIES,
        LIST_FUNCTIONS,
    ),
    services=("inspector2", "ec2", "ecr", "lambda"),
)
def inspector_compute_scanning(ctx: Context) -> Outcome:
    present = {
        "ec2": ("EC2", _plural(len(instances(ctx)), "instance")),
        "ecr": ("ECR", _plural(len(repositories(ctx)), "repository", "repositories")),
        "lambda": ("Lambda", _plural(len(functions(ctx)), "function")),
    }
    present = {k: v for k, v in present.items() if not v[1].startswith("0 ")}
    if not present:
        return not_applicable("no EC2 instances, ECR repositories or Lambda functions here")
    response = ctx.call("inspector2", "batch_get_account_status", accountIds=[ctx.account_id])
    accounts = [a for a in response.get("accounts", []) if a.get("accountId") == ctx.account_id]
    if not accounts and response.get("failedAccounts"):
        reason = response["failedAccounts"][0].get("errorMessage") or "no status returned"
        return unknown(f"Inspector did not report this account's status: {reason}", Cause.ERROR)
    states = accounts[0].get("resourceState", {}) if accounts else {}
    on = {k for k in present if states.get(k, {}).get("status") in INSPECTOR_ON}
    missing = [f"{label} ({what})" for k, (label, what) in present.items() if k not in on]
    if missing:
        return [failed(ctx.where, "Amazon Inspector is not scanning " + ", ".join(missing))]
    scanned = ", ".join(f"{label} ({what})" for label, what in present.values())
    return [passed(ctx.where, f"Amazon Inspector scans {scanned}")]


def _wildcard_match(pattern: str, name: str) -> bool:
    """ECR scan filters: `*` matches any run of characters, everything else is literal."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == name
    if not name.startswith(parts[0]) or not name.endswith(parts[-1]):
        return False
    position = len(parts[0])
    end = len(name) - len(parts[-1])
    for part in parts[1:-1]:
        found = name.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return position <= end


def _registry_rule_for(name: str, rules: list[dict[str, Any]]) -> str | None:
    """The scan frequency a registry rule applies to a repository, if any rule matches."""
    for rule in rules:
        frequency = str(rule.get("scanFrequency", ""))
        if frequency not in {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}:
            continue
        filters = rule.get("repositoryFilters") or [{"filter": "*"}]
        if any(_wildcard_match(str(f.get("filter", "")), name) for f in filters):
            return frequency
    return None


@check(
    "ecr.image_scanning",
    "ECR repositories scan images automatically (scan on push or enhanced scanning)",
    bps=("SEC06-BP01", "SEC11-BP02"),
    service="ecr",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_REPOSITORIES, "ecr:GetRegistryScanningConfiguration"),
)
def ecr_image_scanning(ctx: Context) -> Outcome:
    repos = repositories(ctx)
    if not repos:
        return []
    config = ctx.call("ecr", "get_registry_scanning_configuration").get("scanningConfiguration", {})
    scan_type = str(config.get("scanType") or "BASIC")
    rules = list(config.get("rules") or [])
    found: list[Resource] = []
    for repo in repos:
        arn = str(repo.get("repositoryArn") or repo.get("repositoryName"))
        frequency = _registry_rule_for(str(repo.get("repositoryName", "")), rules)
        on_push = bool(repo.get("imageScanningConfiguration", {}).get("scanOnPush"))
        if frequency and scan_type == "ENHANCED":
            how = "continuous" if frequency == "CONTINUOUS_SCAN" else "on push"
            found.append(passed(arn, f"enhanced scanning (Amazon Inspector), {how}"))
        elif frequency:
            found.append(passed(arn, "basic scanning on push (registry rule)"))
        elif on_push:
            note = " (registry uses enhanced scanning without a rule for it)"
            found.append(
                passed(
                    arn,
                    "scan on push set on the repository"
                    + (note if scan_type == "ENHANCED" else ""),
                )
            )
        else:
            found.append(
                failed(arn, "images are not scanned automatically (no scan on push or scan rule)")
            )
    return found


@check(
    "ssm.managed_instances",
    "Running EC2 instances are Systems Manager managed nodes with a connected agent",
    bps=("SEC06-BP03", "SEC06-BP01"),
    service="ssm",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "ssm:DescribeInstanceInformation"),
    services=("ssm", "ec2"),
)
def ssm_managed_instances(ctx: Context) -> Outcome:
    running = [i for i in instances(ctx) if i.get("State", {}).get("Name") == RUNNING]
    if not running:
        return not_applicable("no running EC2 instances here")
    nodes = ctx.call("ssm", "describe_instance_information").get("InstanceInformationList", [])
    ping = {str(n.get("InstanceId")): str(n.get("PingStatus") or "") for n in nodes}
    found: list[Resource] = []
    for instance in running:
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        status = ping.get(str(instance.get("InstanceId")))
        if status is None:
            found.append(failed(arn, f"not a Systems Manager managed node{label}"))
        elif status == "Online":
            found.append(passed(arn, f"managed node, agent online{label}"))
        else:
            found.append(failed(arn, f"managed node but agent {status}{label}"))
    return found


ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
WORLD = {"0.0.0.0/0", "::/0"}


def _admin_ports_open(group: dict[str, Any]) -> list[str]:
    """'SSH (22) from 0.0.0.0/0'-style exposures of a security group's inbound rules."""
    found: list[str] = []
    for rule in group.get("IpPermissions", []) or []:
        sources = [str(r.get("CidrIp")) for r in rule.get("IpRanges", []) or []]
        sources += [str(r.get("CidrIpv6")) for r in rule.get("Ipv6Ranges", []) or []]
        world = [source for source in sources if source in WORLD]
        protocol = str(rule.get("IpProtocol", "-1")).lower()
        if not world or protocol not in {"-1", "all", "tcp", "6"}:
            continue
        low, high = rule.get("FromPort"), rule.get("ToPort")
        every = protocol in {"-1", "all"} or low is None or high is None or int(low) < 0
        for port, label in ADMIN_PORTS.items():
            if every or int(low) <= port <= int(high):
                found.append(f"{label} ({port}) from {'/'.join(dict.fromkeys(world))}")
    return found


@check(
    "ec2.instance_admin_ports",
    "No EC2 instance accepts SSH (22) or RDP (3389) from the whole internet",
    bps=("SEC06-BP03",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "ec2:DescribeSecurityGroups"),
)
def instance_admin_ports(ctx: Context) -> Outcome:
    live = instances(ctx)
    if not live:
        return []
    groups = {
        str(g.get("GroupId")): g
        for g in ctx.call("ec2", "describe_security_groups").get("SecurityGroups", [])
    }
    found: list[Resource] = []
    for instance in live:
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        attached = [str(g.get("GroupId")) for g in instance.get("SecurityGroups", []) or []]
        for interface in instance.get("NetworkInterfaces", []) or []:
            attached += [str(g.get("GroupId")) for g in interface.get("Groups", []) or []]
        exposures = [
            f"{exposure} via {group_id} ({groups[group_id].get('GroupName')})"
            for group_id in dict.fromkeys(attached)
            if group_id in groups
            for exposure in _admin_ports_open(groups[group_id])
        ]
        if exposures:
            found.append(failed(arn, "; ".join(exposures) + label))
        else:
            found.append(passed(arn, f"no security group opens SSH or RDP to the internet{label}"))
    return found


# --- SEC06-BP02 hardened images ------------------------------------------------------


def _images(ctx: Context, image_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Images by id, looked up with a filter (an id that no longer exists is no error)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(image_ids), 100):
        chunk = image_ids[start : start + 100]
        response = ctx.call(
            "ec2", "describe_images", Filters=[{"Name": "image-id", "Values": chunk}]
        )
        for image in response.get("Images", []):
            found[str(image.get("ImageId"))] = image
    return found


def _image_source(ctx: Context, image: dict[str, Any]) -> str:
    owner = str(image.get("OwnerId", ""))
    alias = image.get("ImageOwnerAlias")
    if owner == ctx.account_id:
        return "built in this account"
    if alias:
        return f"published by {alias}"
    if image.get("Public"):
        return f"public image of account {owner}"
    return f"shared by account {owner}"


@check(
    "ec2.instance_images",
    "Instances run from images the Allowed AMIs setting permits (source and age shown)",
    bps=("SEC06-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "ec2:DescribeImages"),
)
def instance_images(ctx: Context) -> Outcome:
    running = instances(ctx)
    if not running:
        return []
    images = _images(ctx, sorted({str(i.get("ImageId")) for i in running if i.get("ImageId")}))
    found: list[Resource] = []
    for instance in running:
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        image_id = str(instance.get("ImageId"))
        image = images.get(image_id)
        if image is None:
            found.append(
                passed(arn, f"image {image_id} is no longer visible (deregistered?){label}")
            )
            continue
        age = days_ago(image.get("CreationDate"))
        detail = f"image {image_id} {_image_source(ctx, image)}"
        if age is not None:
            detail += f", created {age} days ago"
        if image.get("ImageAllowed") is False:
            found.append(failed(arn, f"{detail}: not allowed by the Allowed AMIs setting{label}"))
        else:
            found.append(passed(arn, detail + label))
    return found


@check(
    "ec2.allowed_images",
    "The EC2 Allowed AMIs setting restricts launches to approved image sources",
    bps=("SEC06-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:GetAllowedImagesSettings",),
)
def allowed_images(ctx: Context) -> Outcome:
    response = ctx.call("ec2", "get_allowed_images_settings")
    state = str(response.get("State") or "disabled")
    criteria = len(response.get("ImageCriteria", []) or [])
    if state == "enabled":
        return [
            passed(
                ctx.where, f"Allowed AMIs enforced ({_plural(criteria, 'criterion', 'criteria')})"
            )
        ]
    if state == "audit-mode":
        return [passed(ctx.where, "Allowed AMIs in audit mode (reports, does not block)")]
    return not_applicable(
        "the Allowed AMIs setting is off here (an SCP on ec2:Owner may restrict launches)"
    )


@check(
    "imagebuilder.pipelines",
    "EC2 Image Builder pipelines build images (on a schedule)",
    bps=("SEC06-BP02",),
    service="imagebuilder",
    scope=Scope.REGIONAL,
    actions=("imagebuilder:ListImagePipelines",),
)
def image_builder_pipelines(ctx: Context) -> Outcome:
    pipelines = ctx.call("imagebuilder", "list_image_pipelines").get("imagePipelineList", [])
    if not pipelines:
        return not_applicable("no EC2 Image Builder pipelines here (images may be built otherwise)")
    found: list[Resource] = []
    for pipeline in pipelines:
        arn = str(pipeline.get("arn") or pipeline.get("name"))
        schedule = (pipeline.get("schedule") or {}).get("scheduleExpression")
        status = str(pipeline.get("status") or "ENABLED")
        if status != "ENABLED":
            detail = f"pipeline {status.lower()}"
        elif schedule:
            detail = f"rebuilds on schedule {schedule}"
        else:
            detail = "enabled, started by hand or by another pipeline (no schedule)"
        found.append(passed(arn, detail))
    return found


# --- SEC06-BP04 software integrity ---------------------------------------------------


def _signing_policy(ctx: Context, config_arn: str) -> str | None:
    """UntrustedArtifactOnDeployment of a code signing config; None if not readable here."""
    try:
        config = ctx.call("lambda", "get_code_signing_config", CodeSigningConfigArn=config_arn)
    except CallFailed as error:
        if error.cause is Cause.UNSUPPORTED:
            return None
        raise
    policies = config.get("CodeSigningConfig", {}).get("CodeSigningPolicies", {})
    return str(policies.get("UntrustedArtifactOnDeployment") or "Warn")


@check(
    "lambda.code_signing",
    "Lambda functions (zip) enforce a code signing configuration",
    bps=("SEC06-BP04", "SEC11-BP06"),
    service="lambda",
    scope=Scope.REGIONAL,
    actions=(LIST_FUNCTIONS, "lambda:GetFunctionCodeSigningConfig", "lambda:GetCodeSigningConfig"),
)
def lambda_code_signing(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for function in functions(ctx):
        if function.get("PackageType") == "Image":
            continue  # code signing applies to .zip packages only
        arn = str(function.get("FunctionArn") or function.get("FunctionName"))
        response = ctx.call("lambda", "get_function_code_signing_config", FunctionName=arn)
        config_arn = response.get("CodeSigningConfigArn")
        if not config_arn:
            found.append(failed(arn, "no code signing configuration: unsigned code deploys"))
            continue
        policy = _signing_policy(ctx, str(config_arn))
        if policy is None:
            found.append(passed(arn, "code signing configuration attached (policy not readable)"))
        elif policy == "Enforce":
            found.append(passed(arn, "code signing enforced"))
        else:
            found.append(failed(arn, "code signing configuration only warns on unsigned code"))
    return found


@check(
    "signer.signing_profiles",
    "AWS Signer signing profiles exist for code or container images",
    bps=("SEC06-BP04",),
    service="signer",
    scope=Scope.REGIONAL,
    actions=("signer:ListSigningProfiles",),
)
def signing_profiles(ctx: Context) -> Outcome:
    profiles = ctx.call("signer", "list_signing_profiles").get("profiles", [])
    active = [p for p in profiles if str(p.get("status") or "Active") == "Active"]
    if not active:
        return not_applicable("no active AWS Signer signing profiles here")
    return [
        passed(
            str(p.get("profileVersionArn") or p.get("arn") or p.get("profileName")),
            f"signing profile for {p.get('platformDisplayName') or p.get('platformId')}",
        )
        for p in active
    ]


# --- SEC06-BP05 automated protection -------------------------------------------------


@check(
    "ec2.imdsv2_required",
    "EC2 instances require IMDSv2 (session tokens) or have the metadata service off",
    bps=("SEC06-BP05",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES,),
)
def imdsv2_required(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for instance in instances(ctx):
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        options = instance.get("MetadataOptions") or {}
        tokens = options.get("HttpTokens")
        if options.get("HttpEndpoint") == "disabled":
            found.append(passed(arn, f"instance metadata service disabled{label}"))
        elif tokens == "required":
            found.append(passed(arn, f"IMDSv2 required{label}"))
        else:
            found.append(
                failed(arn, f"IMDSv1 allowed (HttpTokens {tokens or 'not reported'}){label}")
            )
    return found


def _patch_evidence(ctx: Context) -> Iterator[Resource]:
    arn = f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account_id}:"
    windows = ctx.call("ssm", "describe_maintenance_windows").get("WindowIdentities", [])
    for window in windows:
        if window.get("Enabled"):
            where = f"{arn}maintenancewindow/{window.get('WindowId')}"
            schedule = window.get("Schedule") or "no schedule"
            yield passed(where, f"maintenance window {window.get('Name')!s} ({schedule})")
    baselines = ctx.call(
        "ssm", "describe_patch_baselines", Filters=[{"Key": "OWNER", "Values": ["Self"]}]
    ).get("BaselineIdentities", [])
    for baseline in baselines:
        default = " (default for its OS)" if baseline.get("DefaultBaseline") else ""
        baseline_id = str(baseline.get("BaselineId"))
        yield passed(
            baseline_id if baseline_id.startswith("arn:") else f"{arn}patchbaseline/{baseline_id}",
            f"custom patch baseline {baseline.get('BaselineName')!s} for "
            f"{baseline.get('OperatingSystem')}{default}",
        )


@check(
    "ssm.patching",
    "Systems Manager maintenance windows or custom patch baselines schedule patching",
    bps=("SEC06-BP05", "SEC06-BP01"),
    service="ssm",
    scope=Scope.REGIONAL,
    actions=("ssm:DescribeMaintenanceWindows", "ssm:DescribePatchBaselines"),
)
def ssm_patching(ctx: Context) -> Outcome:
    found = list(_patch_evidence(ctx))
    if not found:
        return not_applicable(
            "no maintenance windows or custom patch baselines here "
            "(patch policies or AWS default baselines may still patch)"
        )
    return found


COMPUTE_FEATURES = {
    "RUNTIME_MONITORING": "Runtime Monitoring",
    "EC2_RUNTIME_MONITORING": "Runtime Monitoring",
    "EBS_MALWARE_PROTECTION": "Malware Protection for EC2",
}


def _compute_features(detector: dict[str, Any]) -> list[str]:
    names = [
        COMPUTE_FEATURES[str(f.get("Name"))]
        for f in detector.get("Features", []) or []
        if str(f.get("Name")) in COMPUTE_FEATURES and f.get("Status") == "ENABLED"
    ]
    legacy = (
        (detector.get("DataSources") or {})
        .get("MalwareProtection", {})
        .get("ScanEc2InstanceWithFindings", {})
        .get("EbsVolumes", {})
    )
    status = legacy.get("Status") if isinstance(legacy, dict) else None
    if status == "ENABLED" and "Malware Protection for EC2" not in names:
        names.append("Malware Protection for EC2")
    return sorted(set(names))


@check(
    "guardduty.compute_protection",
    "Where EC2 runs, GuardDuty is on (Runtime Monitoring / Malware Protection shown)",
    bps=("SEC06-BP05",),
    service="guardduty",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "guardduty:ListDetectors", "guardduty:GetDetector"),
    services=("guardduty", "ec2"),
)
def guardduty_compute_protection(ctx: Context) -> Outcome:
    count = len(instances(ctx))
    if not count:
        return not_applicable("no EC2 instances here")
    detectors = []
    for detector_id in ctx.call("guardduty", "list_detectors").get("DetectorIds", []):
        detector = ctx.call("guardduty", "get_detector", DetectorId=detector_id)
        if detector.get("Status") == "ENABLED":
            detectors.append((str(detector_id), detector))
    if not detectors:
        return [
            failed(
                ctx.where,
                f"GuardDuty is off where {_plural(count, 'instance')} "
                + ("runs" if count == 1 else "run"),
            )
        ]
    detector_id, detector = detectors[0]
    where = f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"
    features = _compute_features(detector)
    if features:
        return [passed(where, "GuardDuty on with " + " and ".join(features))]
    return [passed(where, "GuardDuty on, without Runtime Monitoring or Malware Protection for EC2")]
