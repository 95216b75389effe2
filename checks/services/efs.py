"""EFS file systems: encryption at rest."""

from __future__ import annotations

from typing import Any

from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource


def file_systems(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("efs", "describe_file_systems").get("FileSystems", []))


@check(
    "efs.encrypted",
    "EFS file systems are encrypted",
    bps=("SEC08-BP02",),
    service="efs",
    scope=Scope.REGIONAL,
    actions=("elasticfilesystem:DescribeFileSystems",),
)
def efs_encrypted(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for fs in file_systems(ctx):
        arn = str(fs.get("FileSystemArn") or fs.get("FileSystemId"))
        if fs.get("Encrypted"):
            found.append(passed(arn, f"encrypted ({fs.get('KmsKeyId') or 'KMS'})"))
        else:
            found.append(failed(arn, "file system is not encrypted"))
    return found
