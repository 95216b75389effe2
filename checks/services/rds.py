"""RDS instances, clusters and snapshots: encryption, TLS, public access, backups, tags."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from checks.lib.policy import as_list as _as_list
from checks.registry import Context, Outcome, Scope, check, failed, passed, undecided
from checks.result import Resource
from checks.services.common import _classified, _list

# Engines whose parameter groups can require TLS, the parameter, and its default.
TLS_PARAMETERS: dict[str, tuple[str, Callable[[str], bool | None]]] = {
    "postgres": ("rds.force_ssl", lambda version: _major(version) >= 15),
    "mysql": ("require_secure_transport", lambda version: False),
    "mariadb": ("require_secure_transport", lambda version: False),
    "sqlserver": ("rds.force_ssl", lambda version: False),
    "aurora-mysql": ("require_secure_transport", lambda version: False),
    "aurora-postgresql": ("rds.force_ssl", lambda version: None),  # default varies: not judged
}


TRUE_VALUES = {"1", "on", "true"}


def _major(version: str) -> int:
    match = re.match(r"(\d+)", version or "")
    return int(match.group(1)) if match else 0


def _engine_key(engine: str) -> str | None:
    engine = engine.lower()
    if engine.startswith("sqlserver"):
        return "sqlserver"
    return engine if engine in TLS_PARAMETERS else None


_UNREAD = "<the parameter group could not be read>"


def _parameter(ctx: Context, operation: str, group_key: str, group: str, name: str) -> str | None:
    """The parameter's value; None when it is not set (the default applies); `_UNREAD`
    when the group is not found."""
    response = ctx.call_if_exists(
        "rds",
        operation,
        absent={"DBParameterGroupNotFound", "DBParameterGroupNotFoundFault"},
        **{group_key: group},
    )
    if response is None:
        return _UNREAD
    for parameter in _list(response, "Parameters"):
        if parameter.get("ParameterName") == name and parameter.get("ParameterValue") is not None:
            return str(parameter["ParameterValue"])
    return None


def _tls_finding(
    engine: str, version: str, group: str, value: str | None
) -> tuple[bool | None, str] | None:
    """(ok, why) for an engine that can require TLS (ok None: cannot be judged), or None
    for an engine that cannot."""
    key = _engine_key(engine)
    if key is None:
        return None
    parameter, default = TLS_PARAMETERS[key]
    if not group:
        return None, f"{engine}: no parameter group reported, {parameter} cannot be read"
    if value is _UNREAD:
        return None, f"{engine}: parameter group {group} could not be read"
    if value is not None:
        on = value.strip().lower() in TRUE_VALUES
        return on, f"{engine}: {parameter} = {value} in {group}"
    by_default = default(version)
    if by_default is None:
        return None, f"{engine} {version}: {parameter} is not set in {group} (default not known)"
    if by_default:
        return True, f"{engine} {version}: {parameter} is on by default ({group})"
    return False, f"{engine} {version}: {parameter} is not set in {group} (off by default)"


def _judged(ident: str, finding: tuple[bool | None, str]) -> Resource:
    ok, why = finding
    if ok is None:
        return undecided(ident, why)
    return passed(ident, why) if ok else failed(ident, why)


@check(
    "rds.require_tls",
    "RDS and Aurora parameter groups require TLS connections",
    bps=("SEC09-BP02",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=(
        "rds:DescribeDBInstances",
        "rds:DescribeDBParameters",
        "rds:DescribeDBClusters",
        "rds:DescribeDBClusterParameters",
    ),
)
def rds_require_tls(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for db in _list(ctx.call("rds", "describe_db_instances"), "DBInstances"):
        engine = str(db.get("Engine", ""))
        key = _engine_key(engine)
        if db.get("DBClusterIdentifier") or key is None:
            continue  # Aurora members follow their cluster's parameter group
        groups = _list(db, "DBParameterGroups")
        group = str(groups[0].get("DBParameterGroupName")) if groups else ""
        value = (
            _parameter(
                ctx,
                "describe_db_parameters",
                "DBParameterGroupName",
                group,
                TLS_PARAMETERS[key][0],
            )
            if group
            else None
        )
        finding = _tls_finding(engine, str(db.get("EngineVersion", "")), group, value)
        if finding:
            ident = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
            found.append(_judged(ident, finding))
    for cluster in _list(ctx.call("rds", "describe_db_clusters"), "DBClusters"):
        engine = str(cluster.get("Engine", ""))
        key = _engine_key(engine)
        if key is None or not engine.startswith("aurora"):
            continue
        group = str(cluster.get("DBClusterParameterGroup") or "")
        value = (
            _parameter(
                ctx,
                "describe_db_cluster_parameters",
                "DBClusterParameterGroupName",
                group,
                TLS_PARAMETERS[key][0],
            )
            if group
            else None
        )
        finding = _tls_finding(engine, str(cluster.get("EngineVersion", "")), group, value)
        if finding:
            ident = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
            found.append(_judged(ident, finding))
    return found


def db_instances(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("rds", "describe_db_instances").get("DBInstances", []))


def db_clusters(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("rds", "describe_db_clusters").get("DBClusters", []))


def standalone_instances(ctx: Context) -> list[dict[str, Any]]:
    """DB instances that are not members of a cluster (cluster settings cover members)."""
    return [i for i in db_instances(ctx) if not i.get("DBClusterIdentifier")]


@check(
    "rds.storage_encrypted",
    "RDS instances and clusters encrypt their storage",
    bps=("SEC08-BP02",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
)
def rds_storage_encrypted(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for cluster in db_clusters(ctx):
        arn = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
        if cluster.get("StorageEncrypted"):
            found.append(passed(arn, "cluster storage encrypted"))
        else:
            found.append(failed(arn, "cluster storage is not encrypted"))
    for db in standalone_instances(ctx):
        arn = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
        if db.get("StorageEncrypted"):
            found.append(passed(arn, "storage encrypted"))
        else:
            found.append(failed(arn, "instance storage is not encrypted"))
    return found


def _restorable_by_all(attributes: dict[str, Any]) -> bool:
    return any(
        a.get("AttributeName") == "restore" and "all" in _as_list(a.get("AttributeValues"))
        for a in attributes.get(
            "DBSnapshotAttributes", attributes.get("DBClusterSnapshotAttributes", [])
        )
    )


@check(
    "rds.snapshot_public",
    "No manual RDS snapshot (instance or cluster) is public",
    bps=("SEC08-BP04",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=(
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBClusterSnapshots",
        "rds:DescribeDBClusterSnapshotAttributes",
    ),
)
def rds_snapshot_public(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for snapshot in ctx.call("rds", "describe_db_snapshots").get("DBSnapshots", []):
        if snapshot.get("SnapshotType") != "manual":  # only manual snapshots can be shared
            continue
        ident = snapshot["DBSnapshotIdentifier"]
        arn = str(snapshot.get("DBSnapshotArn") or ident)
        result = ctx.call("rds", "describe_db_snapshot_attributes", DBSnapshotIdentifier=ident)
        if not isinstance(result.get("DBSnapshotAttributesResult"), dict):
            found.append(undecided(arn, "the snapshot's attributes are not reported"))
        elif _restorable_by_all(result["DBSnapshotAttributesResult"]):
            found.append(failed(arn, "snapshot is public (restorable by anyone)"))
        else:
            found.append(passed(arn, "private"))
    clusters = ctx.call("rds", "describe_db_cluster_snapshots").get("DBClusterSnapshots", [])
    for snapshot in clusters:
        if snapshot.get("SnapshotType") != "manual":
            continue
        ident = snapshot["DBClusterSnapshotIdentifier"]
        arn = str(snapshot.get("DBClusterSnapshotArn") or ident)
        result = ctx.call(
            "rds", "describe_db_cluster_snapshot_attributes", DBClusterSnapshotIdentifier=ident
        )
        if not isinstance(result.get("DBClusterSnapshotAttributesResult"), dict):
            found.append(undecided(arn, "the cluster snapshot's attributes are not reported"))
        elif _restorable_by_all(result["DBClusterSnapshotAttributesResult"]):
            found.append(failed(arn, "cluster snapshot is public (restorable by anyone)"))
        else:
            found.append(passed(arn, "private"))
    return found


@check(
    "rds.public_access",
    "RDS instances are not publicly accessible",
    bps=("SEC08-BP04",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances",),
)
def rds_public_access(ctx: Context) -> Outcome:
    return [
        undecided(str(db.get("DBInstanceArn")), "PubliclyAccessible is not reported")
        if not isinstance(db.get("PubliclyAccessible"), bool)
        else failed(str(db.get("DBInstanceArn")), "instance is publicly accessible")
        if db["PubliclyAccessible"]
        else passed(str(db.get("DBInstanceArn")), "not publicly accessible")
        for db in db_instances(ctx)
    ]


@check(
    "rds.classification_tag",
    "RDS instances and clusters carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
    advisory=True,
)
def rds_classification_tag(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for cluster in db_clusters(ctx):
        arn = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
        found.append(_classified(arn, cluster.get("TagList") or [], "cluster"))
    for db in standalone_instances(ctx):
        arn = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
        found.append(_classified(arn, db.get("TagList") or [], "instance"))
    return found


@check(
    "rds.backup_retention",
    "RDS instances and clusters keep automated backups",
    bps=("SEC07-BP04",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
)
def rds_backup_retention(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for cluster in db_clusters(ctx):
        arn = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
        days = int(cluster.get("BackupRetentionPeriod") or 0)
        if days > 0:
            found.append(passed(arn, f"automated backups kept {days} days"))
        else:
            found.append(failed(arn, "automated backups are off (retention 0)"))
    for db in standalone_instances(ctx):
        arn = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
        if db.get("ReadReplicaSourceDBInstanceIdentifier") or db.get(
            "ReadReplicaSourceDBClusterIdentifier"
        ):
            continue  # read replicas need no backups of their own
        days = int(db.get("BackupRetentionPeriod") or 0)
        if days > 0:
            found.append(passed(arn, f"automated backups kept {days} days"))
        else:
            found.append(failed(arn, "automated backups are off (retention 0)"))
    return found
