"""Demo seeding for checks/access.py and checks/incident_response.py (moto must be active).

Reuses what demo.py already seeds (users, the incident-response role, secrets, the
organization, GuardDuty in eu-west-1, the CloudTrail bucket) and adds, in both regions,
good and bad examples: Lambda environments, RAM shares, cross-account roles, an old unused
role, an unattached policy, a break-glass user, a support role, runbooks and FIS templates.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

from checks.demo import ACCOUNT_ID, HOME, TRUST_EC2, _client, _load_aws_policy

OTHER = "us-east-1"
VENDOR = "210987654321"  # trusted with an external id
PARTNER = "444455556666"  # trusted without one


def _trust(principal: dict[str, object], condition: dict[str, object] | None = None) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _backdate_role(name: str, days: int) -> None:
    from moto.iam.models import iam_backends

    backend = iam_backends[ACCOUNT_ID]["global"]
    role = next(r for r in backend.roles.values() if r.name == name)
    role.create_date = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days)


def seed_access() -> None:
    iam = _client("iam")
    lambda_role = iam.create_role(
        RoleName="lambda-exec",
        AssumeRolePolicyDocument=_trust({"Service": "lambda.amazonaws.com"}),
    )["Role"]["Arn"]
    code = _zip()
    for region, name, env in (
        (
            HOME,
            "orders-api",
            {
                "DB_SECRET_ARN": f"arn:aws:secretsmanager:{HOME}:{ACCOUNT_ID}:secret:db",
                "LOG_LEVEL": "info",
            },
        ),
        (
            OTHER,
            "legacy-report",
            {
                "DB_PASSWORD": "not-a-real-password",
                "STRIPE_API_KEY": "sk_test_not_real",
                "REGION": OTHER,
            },
        ),
    ):
        _client("lambda", region).create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=lambda_role,
            Handler="handler.handler",
            Code={"ZipFile": code},
            Environment={"Variables": env},
        )
    # SEC03-BP09: a vendor role with an external id, a partner role without one.
    iam.create_role(
        RoleName="vendor-audit",
        AssumeRolePolicyDocument=_trust(
            {"AWS": f"arn:aws:iam::{VENDOR}:root"},
            {"StringEquals": {"sts:ExternalId": "acme-7f3a"}},
        ),
    )
    iam.create_role(
        RoleName="partner-readonly",
        AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{PARTNER}:root"}),
    )
    # SEC03-BP04: an old role nobody used, an unattached policy, a boundary in use.
    iam.create_role(RoleName="old-migration", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    _backdate_role("old-migration", days=200)
    read = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}],
    }
    iam.create_policy(PolicyName="legacy-s3-writer", PolicyDocument=json.dumps(read))
    boundary = iam.create_policy(PolicyName="dev-boundary", PolicyDocument=json.dumps(read))
    iam.put_role_permissions_boundary(
        RoleName="lambda-exec", PermissionsBoundary=boundary["Policy"]["Arn"]
    )
    # SEC03-BP03: a break-glass user that still has an access key (bad), watched by a rule.
    iam.create_user(UserName="breakglass-admin", Tags=[{"Key": "purpose", "Value": "emergency"}])
    iam.create_access_key(UserName="breakglass-admin")
    _client("events").put_rule(
        Name="break-glass-used",
        EventPattern=json.dumps(
            {
                "detail-type": [
                    "AWS Console Sign In via CloudTrail",
                    "AWS API Call via CloudTrail",
                ],
                "detail": {"userIdentity": {"userName": ["breakglass-admin"]}},
            }
        ),
    )
    # SEC03-BP08: a share kept in the organization, a share open to outsiders.
    _client("ram").create_resource_share(name="shared-subnets", allowExternalPrincipals=False)
    _client("ram", OTHER).create_resource_share(
        name="vendor-share", allowExternalPrincipals=True, principals=[PARTNER]
    )


def seed_incident_response() -> None:
    iam = _client("iam")
    _client("account").put_alternate_contact(
        AlternateContactType="SECURITY",
        EmailAddress="security@example.com",
        Name="Security team",
        PhoneNumber="+10000000000",
        Title="SOC",
    )
    _load_aws_policy("AWSSupportAccess")
    iam.create_role(
        RoleName="aws-support",
        AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}),
    )
    iam.attach_role_policy(
        RoleName="aws-support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess"
    )
    ssm = _client("ssm")
    ssm.create_document(
        Name="IR-IsolateInstance",
        DocumentType="Automation",
        DocumentFormat="JSON",
        Content=json.dumps(
            {
                "schemaVersion": "0.3",
                "description": "Isolate an EC2 instance in a forensic security group",
                "parameters": {"InstanceId": {"type": "String"}},
                "mainSteps": [
                    {
                        "name": "stop",
                        "action": "aws:changeInstanceState",
                        "inputs": {
                            "InstanceIds": ["{{ InstanceId }}"],
                            "DesiredState": "stopped",
                        },
                    }
                ],
            }
        ),
    )
    _client("fis").create_experiment_template(
        description="Stop one web instance (game day)",
        roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/fis-gameday",
        stopConditions=[{"source": "none"}],
        actions={
            "stop": {
                "actionId": "aws:ec2:stop-instances",
                "targets": {"Instances": "web"},
            }
        },
        targets={
            "web": {
                "resourceType": "aws:ec2:instance",
                "resourceTags": {"Name": "web-1"},
                "selectionMode": "COUNT(1)",
            }
        },
    )


def seed() -> None:
    seed_access()
    seed_incident_response()
