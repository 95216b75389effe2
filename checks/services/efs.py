"""EFS file systems: encryption at rest."""

from __future__ import annotations

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource

FILE_SYSTEMS = Resources(
    Call("efs", "DescribeFileSystems", "FileSystems"), id=("FileSystemArn", "FileSystemId")
)


@per_resource(
    "efs.encrypted", "EFS file systems are encrypted", bps=("SEC08-BP02",), over=FILE_SYSTEMS
)
def efs_encrypted(r: Found) -> Judgement:
    if r.get("Encrypted"):
        return Pass(f"encrypted ({r.get('KmsKeyId') or 'KMS'})")
    return Fail("file system is not encrypted")
