"""RDS instances, clusters and snapshots: encryption, TLS, public access, backups, tags."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from checks.declare import (
    Call,
    Fail,
    Found,
    Judgement,
    Pass,
    Resources,
    Undecided,
    per_resource,
)
from checks.lib.policy import as_list as _as_list
from checks.registry import Context, Outcome, Scope, check, failed, passed, undecided
from checks.result import Resource
from checks.services.common import _list, classified

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


DESCRIBE_INSTANCES = Call("rds", "DescribeDBInstances", "DBInstances")
INSTANCE_ID = ("DBInstanceArn", "DBInstanceIdentifier")
# Cluster members are left out where the cluster's own settings cover them.
STANDALONE_INSTANCES = Resources(
    DESCRIBE_INSTANCES,
    keep=lambda r: not r.get("DBClusterIdentifier"),
    id=INSTANCE_ID,
    kind="instance",
)
CLUSTERS = Resources(
    Call("rds", "DescribeDBClusters", "DBClusters"),
    id=("DBClusterArn", "DBClusterIdentifier"),
    kind="cluster",
)


def db_instances(ctx: Context) -> list[dict[str, Any]]:
    return Resources(DESCRIBE_INSTANCES).entries(ctx)


def db_clusters(ctx: Context) -> list[dict[str, Any]]:
    return CLUSTERS.entries(ctx)


@per_resource(
    "rds.storage_encrypted",
    "RDS instances and clusters encrypt their storage",
    bps=("SEC08-BP02",),
    over=(STANDALONE_INSTANCES, CLUSTERS),
)
def rds_storage_encrypted(r: Found) -> Judgement:
    if r.get("StorageEncrypted"):
        return Pass("cluster storage encrypted" if r.kind == "cluster" else "storage encrypted")
    return Fail(f"{r.kind} storage is not encrypted")


def _restorable_by_all(attributes: dict[str, Any]) -> bool:
    return any(
        a.get("AttributeName") == "restore" and "all" in _as_list(a.get("AttributeValues"))
        for a in attributes.get(
            "DBSnapshotAttributes", attributes.get("DBClusterSnapshotAttributes", [])
        )
    )


def _manual(r: Found) -> bool:
    return bool(r.get("SnapshotType") == "manual")  # only manual snapshots can be shared


def _snapshots(noun: str, kind: str) -> Resources:
    """Manual snapshots of one kind (noun "DB" or "DBCluster") with their attributes."""
    return Resources(
        Call("rds", f"Describe{noun}Snapshots", f"{noun}Snapshots"),
        keep=_manual,
        details={
            "attributes": Call(
                "rds",
                f"Describe{noun}SnapshotAttributes",
                f"{noun}SnapshotAttributesResult",
                each=lambda r: {f"{noun}SnapshotIdentifier": r.get(f"{noun}SnapshotIdentifier")},
            )
        },
        id=(f"{noun}SnapshotArn", f"{noun}SnapshotIdentifier"),
        kind=kind,
    )


SNAPSHOTS = _snapshots("DB", "snapshot")
CLUSTER_SNAPSHOTS = _snapshots("DBCluster", "cluster snapshot")


@per_resource(
    "rds.snapshot_public",
    "No manual RDS snapshot (instance or cluster) is public",
    bps=("SEC08-BP04",),
    over=(SNAPSHOTS, CLUSTER_SNAPSHOTS),
)
def rds_snapshot_public(r: Found) -> Judgement:
    if not isinstance(r["attributes"], dict):
        return Undecided(f"the {r.kind}'s attributes are not reported")
    if _restorable_by_all(r["attributes"]):
        return Fail(f"{r.kind} is public (restorable by anyone)")
    return Pass("private")


@per_resource(
    "rds.public_access",
    "RDS instances are not publicly accessible",
    bps=("SEC08-BP04",),
    over=Resources(DESCRIBE_INSTANCES, id="DBInstanceArn"),
)
def rds_public_access(r: Found) -> Judgement:
    if not isinstance(r.get("PubliclyAccessible"), bool):
        return Undecided("PubliclyAccessible is not reported")
    if r.get("PubliclyAccessible"):
        return Fail("instance is publicly accessible")
    return Pass("not publicly accessible")


@per_resource(
    "rds.classification_tag",
    "RDS instances and clusters carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    over=(STANDALONE_INSTANCES, CLUSTERS),
    advisory=True,
)
def rds_classification_tag(r: Found) -> Judgement:
    return classified(r.get("TagList") or [], r.kind)


@per_resource(
    "rds.backup_retention",
    "RDS instances and clusters keep automated backups",
    bps=("SEC07-BP04",),
    over=(STANDALONE_INSTANCES, CLUSTERS),
)
def rds_backup_retention(r: Found) -> Judgement | None:
    if r.kind == "instance" and (
        r.get("ReadReplicaSourceDBInstanceIdentifier")
        or r.get("ReadReplicaSourceDBClusterIdentifier")
    ):
        return None  # read replicas need no backups of their own
    days = int(r.get("BackupRetentionPeriod") or 0)
    if days > 0:
        return Pass(f"automated backups kept {days} days")
    return Fail("automated backups are off (retention 0)")
