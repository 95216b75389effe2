"""The simulated account's compute and application-security resources (SEC06, SEC11).

eu-west-1 is the well-run region, us-east-1 the neglected one. demo.py already seeds one
instance per region (IMDSv2 required in eu-west-1 only), an ECR repository `web` per region
(scan on push in eu-west-1 only) and a GuardDuty detector in eu-west-1; this adds the rest.
moto has no Image Builder, CodeArtifact, Signer profile listing, CodeCommit approval
templates, ECR pull through cache or SSM inventory: those checks end UNKNOWN in the demo.
"""

from __future__ import annotations

import io
import json
import zipfile

from checks.demo import ACCOUNT_ID, EXAMPLE_AMI, HOME, _client

US = "us-east-1"


def _trust(service: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": f"{service}.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


BUILD_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "ecr:PutImage"],
            "Resource": "*",
        }
    ],
}


def _role(name: str, service: str, *, admin: bool = False) -> str:
    iam = _client("iam")
    arn = str(
        iam.create_role(
            RoleName=name,
            Path="/service-role/",
            AssumeRolePolicyDocument=json.dumps(_trust(service)),
        )["Role"]["Arn"]
    )
    if admin:  # seed_identity loaded the AWS managed AdministratorAccess policy
        iam.attach_role_policy(
            RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
        )
    else:
        iam.put_role_policy(
            RoleName=name, PolicyName="build", PolicyDocument=json.dumps(BUILD_POLICY)
        )
    return arn


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 'ok'\n")
    return buffer.getvalue()


def seed_compute() -> None:
    lambda_role = _role("compute-functions", "lambda")
    code = _zip()
    for region, hardened in ((HOME, True), (US, False)):
        inspector = _client("inspector2", region)
        if hardened:
            inspector.enable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2", "ECR", "LAMBDA"])
        ecr = _client("ecr", region)
        if hardened:  # enhanced (Inspector) continuous scanning for production images
            ecr.put_registry_scanning_configuration(
                scanType="ENHANCED",
                rules=[
                    {
                        "scanFrequency": "CONTINUOUS_SCAN",
                        "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}],
                    }
                ],
            )
            ecr.create_repository(repositoryName="prod-api")
        else:
            ecr.create_repository(repositoryName="base-images")
        functions = _client("lambda", region)
        signing = (
            {
                "CodeSigningConfigArn": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:"
                "code-signing-config:csc-0123456789abcdef0"
            }
            if hardened
            else {}
        )
        functions.create_function(
            FunctionName="thumbnailer" if hardened else "legacy-cron",
            Runtime="python3.12",
            Role=lambda_role,
            Handler="handler.handler",
            Code={"ZipFile": code},
            **signing,
        )
        ssm = _client("ssm", region)
        if hardened:
            ssm.create_maintenance_window(
                Name="patch-tuesday",
                Schedule="cron(0 3 ? * TUE#2 *)",
                Duration=4,
                Cutoff=1,
                AllowUnassociatedTargets=False,
            )
            ssm.create_patch_baseline(
                Name="linux-security",
                OperatingSystem="AMAZON_LINUX_2023",
                ApprovalRules={
                    "PatchRules": [
                        {
                            "PatchFilterGroup": {
                                "PatchFilters": [{"Key": "CLASSIFICATION", "Values": ["Security"]}]
                            },
                            "ApproveAfterDays": 3,
                        }
                    ]
                },
            )
            guardduty = _client("guardduty", region)
            for detector in guardduty.list_detectors()["DetectorIds"]:
                guardduty.update_detector(
                    DetectorId=detector,
                    Features=[{"Name": "RUNTIME_MONITORING", "Status": "ENABLED"}],
                )
            # A golden image built in the account, and an instance launched from it.
            ec2 = _client("ec2", region)
            builder = ec2.run_instances(
                ImageId=EXAMPLE_AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro"
            )["Instances"][0]["InstanceId"]
            image = ec2.create_image(InstanceId=builder, Name="golden-al2023")["ImageId"]
            ec2.terminate_instances(InstanceIds=[builder])
            ec2.run_instances(
                ImageId=image,
                MinCount=1,
                MaxCount=1,
                InstanceType="t3.micro",
                MetadataOptions={"HttpTokens": "required"},
                TagSpecifications=[
                    {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "worker-1"}]}
                ],
            )


def seed_appsec() -> None:
    build_role = _role("codebuild-app", "codebuild")
    admin_role = _role("codebuild-legacy", "codebuild", admin=True)
    pipeline_role = _role("codepipeline-web", "codepipeline")
    environment = {
        "type": "LINUX_CONTAINER",
        "image": "aws/codebuild/standard:7.0",
        "computeType": "BUILD_GENERAL1_SMALL",
    }
    eu = _client("codebuild", HOME)
    eu.create_project(
        name="app-build",
        source={"type": "GITHUB", "location": "https://github.com/acme/app"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            **environment,
            "environmentVariables": [
                {"name": "NODE_ENV", "value": "production", "type": "PLAINTEXT"},
                {"name": "DB_PASSWORD", "value": "prod/db:password", "type": "SECRETS_MANAGER"},
                {
                    "name": "DB_PASSWORD_ARN",
                    "value": "arn:aws:secretsmanager:x",
                    "type": "PLAINTEXT",
                },
            ],
        },
        serviceRole=build_role,
    )
    eu.create_project(
        name="image-build",
        source={
            "type": "GITHUB",
            "location": "https://github.com/acme/app",
            "buildspec": "version: 0.2\nphases:\n  build:\n    commands:\n"
            "      - docker build -t app .\n",
        },
        artifacts={"type": "NO_ARTIFACTS"},
        environment={**environment, "privilegedMode": True},
        serviceRole=build_role,
    )
    _client("codepipeline", HOME).create_pipeline(
        pipeline={
            "name": "web-release",
            "roleArn": pipeline_role,
            "artifactStore": {"type": "S3", "location": "acme-cloudtrail-logs"},
            "stages": [
                {
                    "name": "Source",
                    "actions": [
                        {
                            "name": "Source",
                            "actionTypeId": {
                                "category": "Source",
                                "owner": "AWS",
                                "provider": "S3",
                                "version": "1",
                            },
                            "configuration": {
                                "S3Bucket": "acme-cloudtrail-logs",
                                "S3ObjectKey": "src.zip",
                            },
                            "outputArtifacts": [{"name": "src"}],
                        }
                    ],
                },
                {
                    "name": "Build",
                    "actions": [
                        {
                            "name": "Build",
                            "actionTypeId": {
                                "category": "Build",
                                "owner": "AWS",
                                "provider": "CodeBuild",
                                "version": "1",
                            },
                            "configuration": {"ProjectName": "app-build"},
                            "inputArtifacts": [{"name": "src"}],
                        }
                    ],
                },
            ],
        }
    )
    _client("cloudformation", HOME).create_stack(
        StackName="web-baseline",
        TemplateBody=json.dumps(
            {
                "Resources": {
                    "Version": {
                        "Type": "AWS::SSM::Parameter",
                        "Properties": {
                            "Name": "/web/baseline-version",
                            "Type": "String",
                            "Value": "3",
                        },
                    }
                }
            }
        ),
    )
    us = _client("codebuild", US)
    us.create_project(
        name="legacy-build",
        source={
            "type": "S3",
            "location": "acme-cloudtrail-logs/legacy.zip",
            "buildspec": "version: 0.2\nphases:\n  build:\n    commands:\n      - make\n",
        },
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            **environment,
            "privilegedMode": True,
            "environmentVariables": [
                {"name": "API_TOKEN", "value": "not-a-real-token", "type": "PLAINTEXT"},
                {"name": "deployPassword", "value": "not-a-real-password", "type": "PLAINTEXT"},
            ],
        },
        serviceRole=admin_role,
    )
    _client("codedeploy", US).create_application(
        applicationName="legacy-deploy", computePlatform="Server"
    )


def seed() -> None:
    seed_compute()
    seed_appsec()
