"""`pillar iam-policy --organization`: what a multi-account scan needs, where.

- The management (or delegated administrator) account, where pillar runs: every check's
  actions (its own account is scanned with its own credentials), listing the
  organization, and sts:AssumeRole on the scan role in the other accounts.
- The scan role in every member account: the checks' actions without the
  organization-level ones (they run once, from the caller).
- A CloudFormation template for a StackSet that creates that role in every member
  account, trusting the management account (optionally with an external id).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.registry import Check, Scope
from checks.report import iam_policy

LISTING = (
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
)


def management_policy(checks: Sequence[Check], role_name: str) -> dict[str, Any]:
    policy = iam_policy(checks)
    statement = policy["Statement"][0]
    statement["Action"] = sorted({*statement["Action"], *LISTING})
    policy["Statement"].append(
        {
            "Sid": "PillarAssumeScanRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::*:role/{role_name.strip('/')}",
        }
    )
    return policy


def member_policy(checks: Sequence[Check]) -> dict[str, Any]:
    return iam_policy([c for c in checks if c.scope is not Scope.ORGANIZATION])


def stackset_template(checks: Sequence[Check], role_name: str) -> dict[str, Any]:
    """A CloudFormation template (JSON) creating the scan role in a member account."""
    path, _, name = role_name.strip("/").rpartition("/")
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "pillar: read-only scan role for Well-Architected Security Pillar reviews",
        "Parameters": {
            "ManagementAccountId": {
                "Type": "String",
                "AllowedPattern": "^[0-9]{12}$",
                "Description": "The account pillar runs from (management or delegated admin)",
            },
            "ExternalId": {
                "Type": "String",
                "Default": "",
                "Description": "Optional: the external id pillar must present (--external-id)",
            },
        },
        "Conditions": {"HasExternalId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExternalId"}, ""]}]}},
        "Resources": {
            "PillarScanRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": name,
                    "Path": f"/{path}/" if path else "/",
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {
                                    "AWS": {
                                        "Fn::Sub": "arn:${AWS::Partition}:iam::"
                                        "${ManagementAccountId}:root"
                                    }
                                },
                                "Action": "sts:AssumeRole",
                                "Condition": {
                                    "Fn::If": [
                                        "HasExternalId",
                                        {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                                        {"Ref": "AWS::NoValue"},
                                    ]
                                },
                            }
                        ],
                    },
                    "Policies": [
                        {"PolicyName": "pillar-read-only", "PolicyDocument": member_policy(checks)}
                    ],
                },
            }
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["PillarScanRole", "Arn"]}}},
    }


def organization_policies(checks: Sequence[Check], role_name: str) -> dict[str, Any]:
    return {
        "management_account": management_policy(checks, role_name),
        "member_role": {"role_name": role_name, "policy": member_policy(checks)},
        "stackset_template": stackset_template(checks, role_name),
    }
