"""Incident response: contacts, plans, forensics, runbooks, pre-provisioned access and tools,
simulations (SEC10-BP01..BP07).

Much of SEC10 is process. Where the account can only show that something exists (Incident
Manager, Automation runbooks, FIS), absence is NOT_APPLICABLE with a reason, never a FAIL:
an equivalent tool may hold it. FAIL is kept for what the bank names as account settings
(the security contact, a support role, an incident response role, Detective, GuardDuty,
tamper-resistant trail logs).
"""

from __future__ import annotations

from typing import Any

from checks.access import aws_managed, is_incident_response, trusted_accounts
from checks.calls import CallFailed
from checks.identity import (
    AUTH_DETAILS,
    _as_list,
    authorization_details,
    policy_document,
)
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource

SUPPORT_POLICY_SUFFIX = ":iam::aws:policy/AWSSupportAccess"


def across_regions(
    ctx: Context, service: str, operation: str, key: str, **params: Any
) -> tuple[list[tuple[str, dict[str, Any]]], list[CallFailed]]:
    """Items of one list call in every scanned region, and the regions' errors."""
    items: list[tuple[str, dict[str, Any]]] = []
    problems: list[CallFailed] = []
    for region in ctx.regions or (ctx.region,):
        try:
            response = ctx.call(service, operation, region=region, **params)
        except CallFailed as error:
            problems.append(error)
            continue
        items += [(region, item) for item in response.get(key, [])]
    return items, problems


# --- SEC10-BP01: people and contacts ------------------------------------------------------


@check(
    "account.security_contact",
    "The account has a security alternate contact",
    bps=("SEC10-BP01",),
    service="account",
    scope=Scope.GLOBAL,
    actions=("account:GetAlternateContact",),
)
def security_contact(ctx: Context) -> Outcome:
    response = ctx.call_if_exists(
        "account",
        "get_alternate_contact",
        absent={"ResourceNotFoundException"},
        AlternateContactType="SECURITY",
    )
    if response is None or not response.get("AlternateContact"):
        return [failed(ctx.where, "no security alternate contact: AWS cannot reach your team")]
    return [passed(ctx.where, "security alternate contact is set")]


@check(
    "ssmcontacts.contacts",
    "Incident Manager holds responder contacts (signal: a paging tool may hold them)",
    bps=("SEC10-BP01",),
    service="ssm-contacts",
    scope=Scope.GLOBAL,
    actions=("ssm-contacts:ListContacts",),
)
def incident_contacts(ctx: Context) -> Outcome:
    contacts, problems = across_regions(ctx, "ssm-contacts", "list_contacts", "Contacts")
    if contacts:
        return [
            passed(str(c.get("ContactArn") or c.get("Alias")), f"{c.get('Type')} in {region}")
            for region, c in contacts
        ]
    if problems:
        raise problems[0]
    return not_applicable(
        "no Incident Manager contacts in the scanned regions (a paging tool may hold them)"
    )


# --- SEC10-BP02: plans --------------------------------------------------------------------


@check(
    "ssmincidents.response_plans",
    "Incident Manager has response plans (signal: an equivalent tool may hold them)",
    bps=("SEC10-BP02",),
    service="ssm-incidents",
    scope=Scope.GLOBAL,
    actions=("ssm-incidents:ListResponsePlans",),
)
def response_plans(ctx: Context) -> Outcome:
    plans, problems = across_regions(
        ctx, "ssm-incidents", "list_response_plans", "responsePlanSummaries"
    )
    if plans:
        return [
            passed(str(p.get("arn") or p.get("name")), f"response plan in {region}")
            for region, p in plans
        ]
    if problems:
        raise problems[0]
    return not_applicable(
        "no Incident Manager response plans in the scanned regions (an equivalent tool "
        "may hold them)"
    )


# --- SEC10-BP03 / BP06: forensics and tools --------------------------------------------------


@check(
    "ir.detective",
    "Amazon Detective is enabled in the region (a graph or an enabled membership)",
    bps=("SEC10-BP03", "SEC10-BP06"),
    service="detective",
    scope=Scope.REGIONAL,
    actions=("detective:ListGraphs", "detective:ListInvitations"),
)
def detective(ctx: Context) -> Outcome:
    graphs = ctx.call_items("detective", "list_graphs", "GraphList")
    if graphs:
        return [
            passed(str(g.get("Arn")), "Detective behavior graph (administrator)") for g in graphs
        ]
    invitations = [m for m in ctx.call_items("detective", "list_invitations", "Invitations")]
    enabled = [m for m in invitations if m.get("Status") == "ENABLED"]
    if enabled:
        return [
            passed(str(m.get("GraphArn")), f"member account of graph {m.get('GraphArn')}")
            for m in enabled
        ]
    return [failed(ctx.where, "Amazon Detective is not enabled for this account in this region")]


@check(
    "ir.guardduty",
    "GuardDuty is enabled in the region, ready for responders",
    bps=("SEC10-BP06",),
    service="guardduty",
    scope=Scope.REGIONAL,
    actions=("guardduty:ListDetectors", "guardduty:GetDetector"),
)
def guardduty(ctx: Context) -> Outcome:
    detectors = ctx.call("guardduty", "list_detectors").get("DetectorIds", [])
    found: list[Resource] = []
    for detector_id in detectors:
        status = ctx.call("guardduty", "get_detector", DetectorId=detector_id).get("Status")
        arn = f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"
        if status == "ENABLED":
            found.append(passed(arn, "detector enabled"))
        else:
            found.append(failed(arn, f"detector is {status or 'not enabled'}"))
    if not found:
        return [failed(ctx.where, "GuardDuty is not enabled in this region")]
    return found


_DELETES = ("*", "s3:*", "s3:delete*", "s3:deleteobject", "s3:deleteobjectversion")


def denies_deletes(policy_text: Any) -> bool:
    """A bucket policy statement denies object deletion (not just insecure transport)."""
    for statement in _as_list(policy_document(policy_text).get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        actions = [str(a).lower() for a in _as_list(statement.get("Action", []))]
        if not any(a in _DELETES for a in actions):
            continue
        keys: set[str] = set()
        condition = statement.get("Condition")
        if isinstance(condition, dict):
            for clause in condition.values():
                if isinstance(clause, dict):
                    keys.update(str(k).lower() for k in clause)
        if keys and keys <= {"aws:securetransport", "s3:tlsversion"}:
            continue  # a TLS-only policy
        return True
    return False


def _protection(ctx: Context, bucket: str) -> str | None:
    """How a bucket keeps logs from being deleted, or None."""
    lock = ctx.call_if_exists(
        "s3",
        "get_object_lock_configuration",
        absent={"ObjectLockConfigurationNotFoundError"},
        Bucket=bucket,
    )
    config = (lock or {}).get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") == "Enabled":
        retention = (config.get("Rule") or {}).get("DefaultRetention") or {}
        if retention:
            days = retention.get("Days") or f"{retention.get('Years')} year(s)"
            return f"Object Lock on ({retention.get('Mode')}, {days} days by default)"
        return "Object Lock on (no default retention)"
    policy = ctx.call_if_exists(
        "s3", "get_bucket_policy", absent={"NoSuchBucketPolicy"}, Bucket=bucket
    )
    if policy and denies_deletes(policy.get("Policy")):
        return "bucket policy denies object deletion"
    versioning = ctx.call("s3", "get_bucket_versioning", Bucket=bucket)
    if versioning.get("Status") == "Enabled":
        mfa = versioning.get("MFADelete") == "Enabled"
        return "versioning on" + (
            " with MFA delete"
            if mfa
            else " (deleted logs stay as old versions; Object Lock would make them immutable)"
        )
    return None


@check(
    "ir.log_bucket_protection",
    "CloudTrail log buckets in the account resist deletion (Object Lock, versioning or a "
    "deny-delete policy)",
    bps=("SEC10-BP03",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(
        "cloudtrail:DescribeTrails",
        "s3:ListAllMyBuckets",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPolicy",
        "s3:GetBucketVersioning",
    ),
    services=("s3", "cloudtrail"),
)
def log_bucket_protection(ctx: Context) -> Outcome:
    trails, problems = across_regions(ctx, "cloudtrail", "describe_trails", "trailList")
    buckets: dict[str, set[str]] = {}
    for _, trail in trails:
        if trail.get("S3BucketName"):
            buckets.setdefault(str(trail["S3BucketName"]), set()).add(str(trail.get("Name")))
    if not buckets:
        if problems:
            raise problems[0]
        return not_applicable("no CloudTrail trail delivers to S3 in the scanned regions")
    own = {str(b.get("Name")) for b in ctx.call("s3", "list_buckets").get("Buckets", [])}
    found: list[Resource] = []
    for bucket in sorted(buckets):
        if bucket not in own:
            continue
        names = ", ".join(sorted(buckets[bucket]))
        how = _protection(ctx, bucket)
        arn = f"arn:{ctx.partition}:s3:::{bucket}"
        if how:
            found.append(passed(arn, f"trail {names}: {how}"))
        else:
            found.append(
                failed(
                    arn,
                    f"trail {names}: no Object Lock, versioning or deny-delete policy; "
                    "logs can be deleted",
                )
            )
    if not found:
        return not_applicable(
            "trail buckets are in another account (a log archive): examine them there"
        )
    return found


# --- SEC10-BP04: runbooks -------------------------------------------------------------------


@check(
    "ssm.automation_runbooks",
    "The account owns Systems Manager Automation runbooks (signal)",
    bps=("SEC10-BP04", "SEC10-BP06"),
    service="ssm",
    scope=Scope.REGIONAL,
    actions=("ssm:ListDocuments",),
)
def automation_runbooks(ctx: Context) -> Outcome:
    documents = ctx.call(
        "ssm",
        "list_documents",
        Filters=[
            {"Key": "Owner", "Values": ["Self"]},
            {"Key": "DocumentType", "Values": ["Automation"]},
        ],
    ).get("DocumentIdentifiers", [])
    if not documents:
        return not_applicable(
            "no Automation documents owned by the account in this region (playbooks may "
            "live elsewhere, e.g. Step Functions)"
        )
    return [
        passed(
            f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account_id}:document/{d.get('Name')}",
            "Automation runbook owned by the account",
        )
        for d in documents
    ]


# --- SEC10-BP05: pre-provisioned access --------------------------------------------------------


def _trust_summary(document: Any) -> str:
    principals: list[str] = []
    for statement in _as_list(policy_document(document).get("Statement", [])):
        if isinstance(statement, dict) and statement.get("Effect") == "Allow":
            principal = statement.get("Principal")
            if isinstance(principal, dict):
                for values in principal.values():
                    principals += [str(v) for v in _as_list(values)]
            elif principal is not None:
                principals.append(str(principal))
    return ", ".join(sorted(set(principals))) or "nobody"


@check(
    "iam.incident_response_role",
    "An incident response (or break-glass) role is provisioned and does not trust everyone",
    bps=("SEC10-BP05",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
)
def incident_response_role(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if aws_managed(role) or not is_incident_response(role, "RoleName"):
            continue
        document = role.get("AssumeRolePolicyDocument")
        anyone, _ = trusted_accounts(document, ctx.account_id)
        arn = str(role.get("Arn"))
        if anyone:
            found.append(failed(arn, 'incident response role trusts any AWS principal ("*")'))
        else:
            found.append(
                passed(arn, f"incident response role trusted by {_trust_summary(document)}")
            )
    if not found:
        return [
            failed(ctx.where, "no IAM role is named or tagged for incident response or break-glass")
        ]
    return found


def _allows_support(document: Any) -> bool:
    for statement in _as_list(policy_document(document).get("Statement", [])):
        if isinstance(statement, dict) and statement.get("Effect") == "Allow":
            actions = [str(a).lower() for a in _as_list(statement.get("Action", []))]
            if "support:*" in actions:
                return True
    return False


@check(
    "iam.support_role",
    "An IAM role can open AWS Support cases (AWSSupportAccess, CIS 1.17)",
    bps=("SEC10-BP05", "SEC10-BP01"),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
)
def support_role(ctx: Context) -> Outcome:
    details = authorization_details(ctx)
    custom = {
        str(p.get("Arn"))
        for p in details.get("Policies", [])
        for v in p.get("PolicyVersionList", [])
        if v.get("IsDefaultVersion") and _allows_support(v.get("Document"))
    }
    found: list[Resource] = []
    for role in details.get("RoleDetailList", []):
        arns = [str(p.get("PolicyArn")) for p in role.get("AttachedManagedPolicies", [])]
        how = None
        if any(a.endswith(SUPPORT_POLICY_SUFFIX) for a in arns):
            how = "AWSSupportAccess attached"
        elif any(a in custom for a in arns) or any(
            _allows_support(p.get("PolicyDocument")) for p in role.get("RolePolicyList", [])
        ):
            how = "a policy allows support:*"
        if how:
            found.append(passed(str(role.get("Arn")), how))
    if not found:
        return [
            failed(
                ctx.where,
                "no IAM role has AWSSupportAccess: responders cannot open AWS Support cases "
                "through a role",
            )
        ]
    return found


# --- SEC10-BP07: simulations ------------------------------------------------------------------


@check(
    "fis.experiments",
    "AWS FIS experiment templates exist and have been run (signal: game days)",
    bps=("SEC10-BP07",),
    service="fis",
    scope=Scope.REGIONAL,
    actions=("fis:ListExperimentTemplates", "fis:ListExperiments"),
)
def fis_experiments(ctx: Context) -> Outcome:
    templates = ctx.call("fis", "list_experiment_templates").get("experimentTemplates", [])
    if not templates:
        return not_applicable(
            "no FIS experiment templates in this region (exercises may use other tools)"
        )
    runs: dict[str, int] = {}
    for experiment in ctx.call("fis", "list_experiments").get("experiments", []):
        template = str(experiment.get("experimentTemplateId"))
        runs[template] = runs.get(template, 0) + 1
    return [
        passed(
            str(t.get("arn") or t.get("id")),
            f"experiment template {t.get('id')}, run {runs.get(str(t.get('id')), 0)} time(s)",
        )
        for t in templates
    ]
