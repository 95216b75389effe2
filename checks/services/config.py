"""AWS Config: recorders, remediation, conformance and encryption rules, controls."""

from __future__ import annotations

from typing import Any

from checks.calls import CallFailed
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _found_or_fail, _try
from checks.services.events import finding_rules
from checks.services.securityhub import hub

REMEDIATION_TARGETS = (":lambda:", ":ssm:", ":states:", ":ssm-incidents:")


def config_rules(ctx: Context) -> list[dict[str, Any]]:
    return [
        r
        for r in ctx.call("config", "describe_config_rules").get("ConfigRules", [])
        if r.get("ConfigRuleState", "ACTIVE") == "ACTIVE"
    ]


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
    advisory=True,
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
    advisory=True,
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


# Managed Config rules that keep data at rest encrypted or private (SourceIdentifier).
ENCRYPTION_RULES = frozenset(
    {
        "ENCRYPTED_VOLUMES",
        "EC2_EBS_ENCRYPTION_BY_DEFAULT",
        "RDS_STORAGE_ENCRYPTED",
        "RDS_SNAPSHOT_ENCRYPTED",
        "RDS_CLUSTER_ENCRYPTED_AT_REST",
        "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "S3_DEFAULT_ENCRYPTION_KMS",
        "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS",
        "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
        "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
        "EFS_ENCRYPTED_CHECK",
        "ELASTIC_FILE_SYSTEM_ENCRYPTED",
        "DYNAMODB_TABLE_ENCRYPTED_KMS",
        "DYNAMODB_TABLE_ENCRYPTION_ENABLED",
        "SNS_ENCRYPTED_KMS",
        "SQS_QUEUE_ENCRYPTED",
        "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
        "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
        "CMK_BACKING_KEY_ROTATION_ENABLED",
        "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
        "RDS_SNAPSHOTS_PUBLIC_PROHIBITED",
        "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        "BACKUP_RECOVERY_POINT_ENCRYPTED",
    }
)


@check(
    "config.encryption_rules",
    "AWS Config rules watch encryption and public access of data at rest",
    bps=("SEC08-BP03",),
    service="config",
    scope=Scope.REGIONAL,
    actions=("config:DescribeConfigRules",),
    advisory=True,
)
def config_encryption_rules(ctx: Context) -> Outcome:
    rules = ctx.call("config", "describe_config_rules").get("ConfigRules", [])
    found = [
        passed(
            str(r.get("ConfigRuleArn") or r.get("ConfigRuleName")),
            f"{r.get('ConfigRuleName')} ({r['Source']['SourceIdentifier']})",
        )
        for r in rules
        if str((r.get("Source") or {}).get("SourceIdentifier", "")).upper() in ENCRYPTION_RULES
        and r.get("ConfigRuleState", "ACTIVE") == "ACTIVE"
    ]
    if not found:
        return [
            failed(
                ctx.where,
                f"no active Config rule on data encryption or public access ({len(rules)} rules)",
            )
        ]
    return found
