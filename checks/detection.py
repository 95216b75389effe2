"""Detection: logging, threat detection, finding routing and remediation (SEC04, SEC01).

Absence checks ("GuardDuty is off in this region") name `ctx.where`. Best practices whose
evidence is a signal (SEC04-BP03/BP04, SEC01-BP03/04/06/08) FAIL only when none of the
mechanisms the bank accepts is present, so one missing optional tool never proposes
"not met" on its own; and a check that could not read one of its sources never FAILs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from checks.calls import CallFailed
from checks.registry import (
    Context,
    Outcome,
    Scope,
    Verdict,
    check,
    failed,
    not_applicable,
    passed,
)
from checks.result import Resource, Status

# --- shared readers ------------------------------------------------------------------


def _first_error(errors: list[CallFailed]) -> CallFailed | None:
    return errors[0] if errors else None


def trails(ctx: Context) -> list[dict[str, Any]]:
    """Every trail seen from the scanned regions (shadow copies included), once per ARN."""
    seen: dict[str, dict[str, Any]] = {}
    for region in ctx.regions or (ctx.region,):
        for trail in ctx.call("cloudtrail", "describe_trails", region=region).get("trailList", []):
            arn = str(trail.get("TrailARN") or trail.get("Name"))
            seen.setdefault(arn, trail)
    return [seen[arn] for arn in sorted(seen)]


def _trail_id(trail: dict[str, Any]) -> str:
    return str(trail.get("TrailARN") or trail.get("Name"))


def _trail_status(ctx: Context, trail: dict[str, Any]) -> dict[str, Any]:
    """GetTrailStatus in the trail's home region: by name for our own trails, else by ARN."""
    arn = str(trail.get("TrailARN", ""))
    home = str(trail.get("HomeRegion") or ctx.region)
    owner = arn.split(":")[4] if arn.count(":") >= 5 else ctx.account_id
    name = trail.get("Name") if owner == ctx.account_id and trail.get("Name") else arn
    return ctx.call("cloudtrail", "get_trail_status", region=home, Name=name)


def hub(ctx: Context, region: str | None = None) -> dict[str, Any] | None:
    """Security Hub in the region, or None when it is not enabled there."""
    return ctx.call_if_exists(
        "securityhub", "describe_hub", absent={"InvalidAccessException"}, region=region
    )


def detectors(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """(detector id, GetDetector response) for each GuardDuty detector of the region."""
    ids = ctx.call("guardduty", "list_detectors").get("DetectorIds", [])
    return [(str(i), ctx.call("guardduty", "get_detector", DetectorId=i)) for i in ids]


def _detector_arn(ctx: Context, detector_id: str) -> str:
    return f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"


SECURITY_SOURCES = (
    "aws.guardduty",
    "aws.securityhub",
    "aws.inspector2",
    "aws.inspector",
    "aws.macie",
    "aws.access-analyzer",
    "aws.detective",
    "aws.config",
)
REMEDIATION_TARGETS = (":lambda:", ":ssm:", ":states:", ":ssm-incidents:")


def _pattern_sources(pattern: Any) -> list[str]:
    """The security services an EventBridge event pattern matches events from."""
    text = pattern if isinstance(pattern, str) else json.dumps(pattern or "")
    try:
        parsed = json.loads(text) if text else {}
    except ValueError:
        parsed = {}
    sources = parsed.get("source", []) if isinstance(parsed, dict) else []
    values = sources if isinstance(sources, list) else [sources]
    found = []
    for value in values:
        if isinstance(value, str) and value in SECURITY_SOURCES:
            found.append(value)
        elif isinstance(value, dict):  # {"prefix": "aws.guard"} and similar
            prefix = str(value.get("prefix", ""))
            if prefix and any(s.startswith(prefix) for s in SECURITY_SOURCES):
                found.append(f"{prefix}*")
    return found


def finding_rules(ctx: Context) -> list[tuple[dict[str, Any], list[str], list[str]]]:
    """Enabled rules of the default bus matching security findings, with target ARNs."""
    found = []
    for rule in ctx.call("events", "list_rules").get("Rules", []):
        sources = _pattern_sources(rule.get("EventPattern"))
        if not sources or rule.get("State", "ENABLED") != "ENABLED":
            continue
        targets = ctx.call("events", "list_targets_by_rule", Rule=rule["Name"]).get("Targets", [])
        arns = [str(t.get("Arn", "")) for t in targets]
        if arns:
            found.append((rule, sources, arns))
    return found


def config_rules(ctx: Context) -> list[dict[str, Any]]:
    return [
        r
        for r in ctx.call("config", "describe_config_rules").get("ConfigRules", [])
        if r.get("ConfigRuleState", "ACTIVE") == "ACTIVE"
    ]


def _try(errors: list[CallFailed], read: Any) -> Any:
    """Run one source of a multi-source check; an error is kept for later, not raised."""
    try:
        return read()
    except CallFailed as error:
        errors.append(error)
        return None


def _found_or_fail(
    found: list[Resource], errors: list[CallFailed], absent: Resource, missing: list[str]
) -> Outcome:
    """Any mechanism found: PASS (naming what is missing); none and an error: UNKNOWN."""
    if found:
        reason = f"{len(found)} found" + (f"; not found: {', '.join(missing)}" if missing else "")
        if errors:
            reason += f"; could not read: {', '.join(str(e.action or e.message) for e in errors)}"
        return Verdict(Status.PASS, reason, tuple(found))
    error = _first_error(errors)
    if error is not None:
        raise error
    return [absent]


# --- CloudTrail -----------------------------------------------------------------------

TRAIL_ACTIONS = ("cloudtrail:DescribeTrails",)


@check(
    "cloudtrail.multi_region_logging",
    "A multi-region CloudTrail trail is logging",
    bps=("SEC04-BP01",),
    service="cloudtrail",
    scope=Scope.GLOBAL,
    actions=("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
)
def multi_region_logging(ctx: Context) -> Outcome:
    all_trails = trails(ctx)
    if not all_trails:
        return [failed(ctx.where, "no CloudTrail trail in the scanned regions")]
    good: list[Resource] = []
    bad: list[Resource] = []
    errors: list[CallFailed] = []
    for trail in all_trails:
        home = trail.get("HomeRegion", "?")
        if not trail.get("IsMultiRegionTrail"):
            bad.append(failed(_trail_id(trail), f"single-region trail (only {home})"))
            continue
        status = _try(errors, lambda t=trail: _trail_status(ctx, t))
        if status is None:
            continue
        if status.get("IsLogging"):
            org = ", organization trail" if trail.get("IsOrganizationTrail") else ""
            good.append(passed(_trail_id(trail), f"multi-region trail, logging{org}"))
        else:
            bad.append(failed(_trail_id(trail), "multi-region trail is not logging (stopped)"))
    if good:
        return good
    error = _first_error(errors)
    if error is not None:
        raise error
    return bad


@check(
    "cloudtrail.log_file_validation",
    "CloudTrail trails have log file validation enabled",
    bps=("SEC04-BP01",),
    service="cloudtrail",
    scope=Scope.GLOBAL,
    actions=TRAIL_ACTIONS,
)
def log_file_validation(ctx: Context) -> Outcome:
    return [
        passed(_trail_id(t), "log file validation enabled")
        if t.get("LogFileValidationEnabled")
        else failed(_trail_id(t), "log file validation is disabled (log files can be altered)")
        for t in trails(ctx)
    ]


@check(
    "cloudtrail.kms_encryption",
    "CloudTrail trails encrypt log files with a KMS key",
    bps=("SEC04-BP01",),
    service="cloudtrail",
    scope=Scope.GLOBAL,
    actions=TRAIL_ACTIONS,
)
def kms_encryption(ctx: Context) -> Outcome:
    return [
        passed(_trail_id(t), f"SSE-KMS with {t['KmsKeyId']}")
        if t.get("KmsKeyId")
        else failed(_trail_id(t), "log files are not encrypted with a KMS key (SSE-KMS)")
        for t in trails(ctx)
    ]


@check(
    "cloudtrail.cloudwatch_logs",
    "CloudTrail trails deliver to CloudWatch Logs",
    bps=("SEC04-BP02",),
    service="cloudtrail",
    scope=Scope.GLOBAL,
    actions=TRAIL_ACTIONS,
)
def cloudwatch_logs(ctx: Context) -> Outcome:
    return [
        passed(_trail_id(t), f"delivers to {t['CloudWatchLogsLogGroupArn']}")
        if t.get("CloudWatchLogsLogGroupArn")
        else failed(_trail_id(t), "trail does not deliver to CloudWatch Logs")
        for t in trails(ctx)
    ]


# --- VPC flow logs, AWS Config, GuardDuty, log retention --------------------------------


@check(
    "ec2.vpc_flow_logs",
    "VPCs have an active VPC flow log (an unused default VPC is not required to)",
    bps=("SEC04-BP01",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:DescribeNetworkInterfaces"),
)
def vpc_flow_logs(ctx: Context) -> Outcome:
    vpcs = ctx.call("ec2", "describe_vpcs").get("Vpcs", [])
    if not vpcs:
        return []
    logs: dict[str, list[dict[str, Any]]] = {}
    for flow in ctx.call("ec2", "describe_flow_logs").get("FlowLogs", []):
        if flow.get("FlowLogStatus", "ACTIVE") == "ACTIVE":
            logs.setdefault(str(flow.get("ResourceId")), []).append(flow)
    found: list[Resource] = []
    for vpc in vpcs:
        vpc_id = str(vpc["VpcId"])
        arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{vpc.get('OwnerId') or ctx.account_id}"
        arn += f":vpc/{vpc_id}"
        flows = logs.get(vpc_id, [])
        if flows:
            kinds = sorted(
                {
                    f"{f.get('TrafficType', '?')} to "
                    f"{f.get('LogDestinationType', 'cloud-watch-logs')}"
                    for f in flows
                }
            )
            broken = [f for f in flows if f.get("DeliverLogsStatus") == "FAILED"]
            note = (
                f" (delivery failing: {broken[0].get('DeliverLogsErrorMessage', '?')})"
                if broken
                else ""
            )
            found.append(passed(arn, f"flow log {', '.join(kinds)}{note}"))
            continue
        if vpc.get("IsDefault"):
            interfaces = ctx.call(
                "ec2",
                "describe_network_interfaces",
                Filters=[{"Name": "vpc-id", "Values": [vpc_id]}],
            ).get("NetworkInterfaces", [])
            if not interfaces:
                found.append(passed(arn, "default VPC without flow log, unused (no interfaces)"))
                continue
        found.append(failed(arn, "no active VPC flow log"))
    return found


@check(
    "config.recorder_recording",
    "AWS Config is recording in the region",
    bps=("SEC04-BP01",),
    service="config",
    scope=Scope.REGIONAL,
    actions=("config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"),
)
def recorder_recording(ctx: Context) -> Outcome:
    recorders = [
        r
        for r in ctx.call("config", "describe_configuration_recorders").get(
            "ConfigurationRecorders", []
        )
        if r.get("recordingScope", "PAID") != "INTERNAL"  # service-linked recorders
    ]
    if not recorders:
        return [failed(ctx.where, "no AWS Config configuration recorder in this region")]
    statuses = {
        s.get("name"): s
        for s in ctx.call("config", "describe_configuration_recorder_status").get(
            "ConfigurationRecordersStatus", []
        )
    }
    found: list[Resource] = []
    for recorder in recorders:
        name = str(recorder.get("name"))
        rid = str(recorder.get("arn") or f"{ctx.where}/config-recorder/{name}")
        status = statuses.get(name, {})
        if not status.get("recording"):
            found.append(failed(rid, "configuration recorder is not recording (stopped)"))
            continue
        group = recorder.get("recordingGroup", {})
        scope = (
            "all supported resource types"
            if group.get("allSupported", True)
            else f"{len(group.get('resourceTypes', []))} resource types"
        )
        last = status.get("lastStatus")
        found.append(passed(rid, f"recording {scope}" + (f", last status {last}" if last else "")))
    return found


@check(
    "guardduty.detector_enabled",
    "Amazon GuardDuty is enabled in the region",
    bps=("SEC04-BP01", "SEC01-BP04"),
    service="guardduty",
    scope=Scope.REGIONAL,
    actions=("guardduty:ListDetectors", "guardduty:GetDetector"),
)
def guardduty_enabled(ctx: Context) -> Outcome:
    found = detectors(ctx)
    if not found:
        return [failed(ctx.where, "GuardDuty has no detector in this region")]
    return [
        passed(_detector_arn(ctx, d), "detector enabled")
        if detail.get("Status") == "ENABLED"
        else failed(_detector_arn(ctx, d), f"detector is {detail.get('Status', 'not enabled')}")
        for d, detail in found
    ]


@check(
    "logs.group_retention",
    "CloudWatch Logs groups have a retention period",
    bps=("SEC04-BP01", "SEC04-BP02"),
    service="logs",
    scope=Scope.REGIONAL,
    actions=("logs:DescribeLogGroups",),
)
def group_retention(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for group in ctx.call("logs", "describe_log_groups").get("logGroups", []):
        arn = str(
            group.get("logGroupArn")
            or str(group.get("arn", "")).removesuffix(":*")
            or group.get("logGroupName")
        )
        days = group.get("retentionInDays")
        if days:
            found.append(passed(arn, f"retention {days} days"))
        else:
            found.append(failed(arn, "no retention period set (kept forever, never reviewed)"))
    return found


def _standard_name(subscription: dict[str, Any]) -> str:
    """aws-foundational-security-best-practices/v/1.0.0 from a standards ARN."""
    arn = str(subscription.get("StandardsArn", ""))
    for marker in ("standards/", "ruleset/"):
        if marker in arn:
            return arn.split(marker, 1)[1]
    return arn


# --- Security Hub -------------------------------------------------------------------------


@check(
    "securityhub.hub_enabled",
    "AWS Security Hub is enabled in the region",
    bps=("SEC04-BP03",),
    service="securityhub",
    scope=Scope.REGIONAL,
    actions=("securityhub:DescribeHub",),
)
def hub_enabled(ctx: Context) -> Outcome:
    found = hub(ctx)
    if found is None:
        return [failed(ctx.where, "Security Hub is not enabled in this region")]
    return [passed(str(found.get("HubArn") or ctx.where), "Security Hub enabled")]


@check(
    "securityhub.finding_aggregator",
    "Security Hub aggregates findings across regions (when enabled in two or more)",
    bps=("SEC04-BP02",),
    service="securityhub",
    scope=Scope.GLOBAL,
    actions=("securityhub:DescribeHub", "securityhub:ListFindingAggregators"),
)
def finding_aggregator(ctx: Context) -> Outcome:
    enabled: list[str] = []
    errors: list[CallFailed] = []
    for region in ctx.regions or (ctx.region,):
        if _try(errors, lambda r=region: hub(ctx, r)) is not None:
            enabled.append(region)
    if len(enabled) < 2:
        error = _first_error(errors)
        if error is not None and len(enabled) + len(errors) >= 2:
            raise error
        return not_applicable(
            f"Security Hub is enabled in {len(enabled)} scanned region(s): nothing to aggregate"
        )
    aggregators = ctx.call("securityhub", "list_finding_aggregators", region=enabled[0]).get(
        "FindingAggregators", []
    )
    if aggregators:
        return [
            passed(str(a.get("FindingAggregatorArn")), "cross-region finding aggregator")
            for a in aggregators
        ]
    return [
        failed(
            ctx.where,
            f"Security Hub is enabled in {len(enabled)} regions ({', '.join(enabled)}) "
            "with no cross-region finding aggregator",
        )
    ]


@check(
    "securityhub.control_standards",
    "Control objectives are measured: Security Hub standards or Config conformance packs",
    bps=("SEC01-BP03",),
    service="securityhub",
    scope=Scope.REGIONAL,
    actions=(
        "securityhub:DescribeHub",
        "securityhub:GetEnabledStandards",
        "config:DescribeConformancePacks",
    ),
    services=("securityhub", "config"),
)
def control_standards(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    standards = _try(
        errors,
        lambda: (
            {}
            if hub(ctx) is None  # Security Hub is not enabled here: no standards
            else ctx.call_if_exists(
                "securityhub", "get_enabled_standards", absent={"InvalidAccessException"}
            )
            or {}
        ),
    )
    active = [
        s
        for s in (standards or {}).get("StandardsSubscriptions", [])
        if s.get("StandardsStatus") in {"READY", "PENDING", "INCOMPLETE"}
    ]
    found += [
        passed(
            str(s.get("StandardsSubscriptionArn")),
            f"Security Hub standard {_standard_name(s)} {s.get('StandardsStatus')}",
        )
        for s in active
    ]
    if standards is not None and not active:
        missing.append("Security Hub standards")
    packs = _try(errors, lambda: ctx.call("config", "describe_conformance_packs"))
    details = (packs or {}).get("ConformancePackDetails", [])
    found += [
        passed(str(p.get("ConformancePackArn")), f"conformance pack {p.get('ConformancePackName')}")
        for p in details
    ]
    if packs is not None and not details:
        missing.append("Config conformance packs")
    return _found_or_fail(
        found,
        errors,
        failed(ctx.where, "no Security Hub standard enabled and no Config conformance pack"),
        missing,
    )


# --- correlation and remediation (signals) -------------------------------------------------


@check(
    "events.finding_correlation",
    "Security findings are routed by EventBridge rules or correlated in Detective",
    bps=("SEC04-BP03",),
    service="events",
    scope=Scope.REGIONAL,
    actions=("events:ListRules", "events:ListTargetsByRule", "detective:ListGraphs"),
    services=("events", "detective"),
)
def finding_correlation(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    rules = _try(errors, lambda: finding_rules(ctx))
    for rule, sources, targets in rules or []:
        found.append(
            passed(
                str(rule.get("Arn") or rule.get("Name")),
                f"rule on {', '.join(sources)} findings -> {len(targets)} target(s)",
            )
        )
    if rules == []:
        missing.append("EventBridge rules on findings")
    graphs = _try(errors, lambda: ctx.call_items("detective", "list_graphs", "GraphList"))
    found += [passed(str(g.get("Arn")), "Detective behavior graph") for g in graphs or []]
    if graphs == []:
        missing.append("Detective behavior graph")
    return _found_or_fail(
        found,
        errors,
        failed(
            ctx.where,
            "no EventBridge rule routes security findings and no Detective behavior graph",
        ),
        missing,
    )


def _remediation_configurations(ctx: Context) -> list[dict[str, Any]]:
    names = [str(r["ConfigRuleName"]) for r in config_rules(ctx) if r.get("ConfigRuleName")]
    found: list[dict[str, Any]] = []
    for start in range(0, len(names), 25):  # the API takes at most 25 rule names
        found += ctx.call(
            "config",
            "describe_remediation_configurations",
            ConfigRuleNames=names[start : start + 25],
        ).get("RemediationConfigurations", [])
    return found


@check(
    "config.remediation",
    "Non-compliant resources have automated remediation (Config, Security Hub, EventBridge)",
    bps=("SEC04-BP04",),
    service="config",
    scope=Scope.REGIONAL,
    actions=(
        "config:DescribeConfigRules",
        "config:DescribeRemediationConfigurations",
        "securityhub:DescribeHub",
        "securityhub:ListAutomationRules",
        "events:ListRules",
        "events:ListTargetsByRule",
    ),
    services=("config", "securityhub", "events"),
)
def remediation(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    configs = _try(errors, lambda: _remediation_configurations(ctx))
    for c in configs or []:
        mode = "automatic" if c.get("Automatic") else "manual"
        found.append(
            passed(
                str(c.get("Arn") or f"{ctx.where}/config-rule/{c.get('ConfigRuleName')}"),
                f"Config rule {c.get('ConfigRuleName')} -> {c.get('TargetId')} ({mode})",
            )
        )
    if configs == []:
        missing.append("Config remediation")

    def automation_rules() -> list[Any]:
        if hub(ctx) is None:  # Security Hub is not enabled here: no automation rules
            return []
        try:
            return ctx.call_items("securityhub", "list_automation_rules", "AutomationRulesMetadata")
        except CallFailed as error:
            if error.code == "InvalidAccessException":
                return []
            raise

    automations = _try(errors, automation_rules)
    enabled = [a for a in automations or [] if a.get("RuleStatus", "ENABLED") == "ENABLED"]
    found += [
        passed(str(a.get("RuleArn")), f"Security Hub automation rule {a.get('RuleName')}")
        for a in enabled
    ]
    if automations is not None and not enabled:
        missing.append("Security Hub automation rules")
    rules = _try(errors, lambda: finding_rules(ctx))
    routed = [
        (rule, [t for t in targets if any(k in t for k in REMEDIATION_TARGETS)])
        for rule, _, targets in rules or []
    ]
    found += [
        passed(str(rule.get("Arn") or rule.get("Name")), f"findings -> {', '.join(targets)}")
        for rule, targets in routed
        if targets
    ]
    if rules is not None and not any(t for _, t in routed):
        missing.append("EventBridge rules to Lambda/SSM/Step Functions")
    return _found_or_fail(
        found,
        errors,
        failed(
            ctx.where,
            "no Config remediation, Security Hub automation rule or EventBridge rule sending "
            "findings to Lambda, SSM or Step Functions",
        ),
        missing,
    )


@check(
    "config.standard_controls",
    "Standard security controls are deployed as code (Config rules or StackSets)",
    bps=("SEC01-BP06",),
    service="config",
    scope=Scope.REGIONAL,
    actions=("config:DescribeConfigRules", "cloudformation:ListStackSets"),
    services=("config", "cloudformation"),
)
def standard_controls(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    rules = _try(errors, lambda: config_rules(ctx))
    if rules:
        managed = sum(1 for r in rules if r.get("CreatedBy"))  # org, conformance pack, ...
        detail = f"{len(rules)} active AWS Config rule(s)"
        if managed:
            detail += f", {managed} deployed by a service (organization, conformance pack)"
        found.append(passed(f"{ctx.where}/config-rules", detail))
    elif rules is not None:
        missing.append("Config rules")
    sets = _try(
        errors,
        lambda: ctx.call("cloudformation", "list_stack_sets", Status="ACTIVE").get("Summaries", []),
    )
    found += [
        passed(
            str(s.get("StackSetId") or s.get("StackSetName")),
            f"StackSet {s.get('StackSetName')} ({s.get('PermissionModel', 'SELF_MANAGED')})",
        )
        for s in sets or []
    ]
    if sets == []:
        missing.append("StackSets")
    return _found_or_fail(
        found,
        errors,
        failed(ctx.where, "no active AWS Config rule and no CloudFormation StackSet"),
        missing,
    )


# --- threat detection services adopted --------------------------------------------------


def _threat_services(ctx: Context) -> Iterator[tuple[str, Any]]:
    """(service name, reader returning a list of enabled resources) per service."""

    def guardduty() -> list[Resource]:
        return [
            passed(_detector_arn(ctx, d), "GuardDuty detector enabled")
            for d, detail in detectors(ctx)
            if detail.get("Status") == "ENABLED"
        ]

    def securityhub() -> list[Resource]:
        found = hub(ctx)
        return [] if found is None else [passed(str(found.get("HubArn")), "Security Hub enabled")]

    def inspector() -> list[Resource]:
        response = ctx.call("inspector2", "batch_get_account_status", accountIds=[ctx.account_id])
        found = []
        for account in response.get("accounts", []):
            if account.get("state", {}).get("status") in {"ENABLED", "ENABLING"}:
                scans = sorted(
                    k
                    for k, v in account.get("resourceState", {}).items()
                    if v.get("status") == "ENABLED"
                )
                found.append(
                    passed(
                        f"{ctx.where}/inspector2",
                        f"Inspector enabled ({', '.join(scans) or 'no resource type'})",
                    )
                )
        return found

    def analyzer() -> list[Resource]:
        analyzers = ctx.call("accessanalyzer", "list_analyzers").get("analyzers", [])
        return [
            passed(str(a.get("arn")), f"IAM Access Analyzer {a.get('type')} analyzer")
            for a in analyzers
            if a.get("status") == "ACTIVE"
        ]

    yield "GuardDuty", guardduty
    yield "Security Hub", securityhub
    yield "Inspector", inspector
    yield "IAM Access Analyzer", analyzer


@check(
    "detection.threat_services",
    "Managed threat detection services are adopted (GuardDuty, Security Hub, Inspector, "
    "IAM Access Analyzer)",
    bps=("SEC01-BP04", "SEC01-BP08"),
    service="guardduty",
    scope=Scope.REGIONAL,
    actions=(
        "guardduty:ListDetectors",
        "guardduty:GetDetector",
        "securityhub:DescribeHub",
        "inspector2:BatchGetAccountStatus",
        "access-analyzer:ListAnalyzers",
    ),
    services=("guardduty", "securityhub", "inspector2", "accessanalyzer"),
)
def threat_services(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    for name, read in _threat_services(ctx):
        enabled = _try(errors, read)
        if enabled == []:
            missing.append(name)
        found += enabled or []
    return _found_or_fail(
        found,
        errors,
        failed(
            ctx.where,
            "none of GuardDuty, Security Hub, Inspector, IAM Access Analyzer is enabled here",
        ),
        missing,
    )
