"""Tests of the rds checks (checks/services/rds.py)."""

from __future__ import annotations

from typing import Any

from checks.result import CheckResult, Status
from checks.testing import Harness, failing_ids, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


def db(account: Harness, name: str, engine: str, region: str = EU, **kw: Any) -> str:
    created = account.client("rds", region).create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine=engine,
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        **kw,
    )
    return str(created["DBInstance"]["DBInstanceArn"])


def test_rds_require_tls(account):
    assert account.run("rds.require_tls")[EU].status is Status.NOT_APPLICABLE
    rds = account.client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres14", Description="tls"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="pg-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    forced = db(account, "forced", "postgres", DBParameterGroupName="pg-tls")
    modern = db(account, "modern", "postgres", EngineVersion="16.3")  # on by default
    result = account.run("rds.require_tls")[EU]
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {forced, modern}
    legacy = db(account, "legacy", "mysql")
    old_pg = db(account, "old-pg", "postgres", EngineVersion="13.7")
    result = account.run("rds.require_tls")[EU]
    assert failing_ids(result) == {legacy, old_pg}
    assert "require_secure_transport is not set" in {r.id: r.detail for r in result.failing}[legacy]


def test_rds_require_tls_aurora_cluster(account):
    rds = account.client("rds", US)
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="aurora-params",
        DBParameterGroupFamily="aurora-mysql8.0",
        Description="no TLS setting",
    )
    rds.create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-mysql",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        DBClusterParameterGroupName="aurora-params",
    )
    result = account.run("rds.require_tls")[US]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {"arn:aws:rds:us-east-1:123456789012:cluster:aurora"}


def test_rds_require_tls_unreadable_or_unknown_default_is_undecided(account):
    # The cluster's parameter group cannot be read (moto has no default groups), and
    # aurora-postgresql's default for rds.force_ssl varies: neither is judged, nor skipped.
    rds = account.client("rds", US)
    for name, engine in (("aurora-my", "aurora-mysql"), ("aurora-pg", "aurora-postgresql")):
        rds.create_db_cluster(
            DBClusterIdentifier=name,
            Engine=engine,
            MasterUsername="app",
            MasterUserPassword="not-a-real-password",
        )
    result = account.run("rds.require_tls")[US]
    assert result.status is Status.UNKNOWN  # aurora-postgresql was left out (PASS if alone)
    details = {r.id.rsplit(":", 1)[1]: (r.status, r.detail) for r in result.resources}
    assert details["aurora-my"][0] is Status.UNKNOWN
    assert "could not be read" in details["aurora-my"][1]
    assert details["aurora-pg"][0] is Status.UNKNOWN


def test_rds_public_access_unreported_is_undecided(account):
    stub = account.stub("rds", EU)
    arn = "arn:aws:rds:eu-west-1:123456789012:db:odd"
    stub.add_response("describe_db_instances", {"DBInstances": [{"DBInstanceArn": arn}]})
    result = account.run("rds.public_access")[EU]
    assert result.status is Status.UNKNOWN  # was PASS "not publicly accessible"
    assert result.resources[0].detail == "PubliclyAccessible is not reported"


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def db_instance(account: Harness, name: str, region: str = EU, **settings: Any) -> str:
    rds = account.client("rds", region)
    response = rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        **settings,
    )
    return str(response["DBInstance"]["DBInstanceArn"])


def test_rds_storage_encrypted_instances_and_clusters(account):
    db_instance(account, "good", StorageEncrypted=True)
    assert eu(account, "rds.storage_encrypted").status is Status.PASS
    bad = db_instance(account, "bad", StorageEncrypted=False)
    rds = account.client("rds")
    cluster = rds.create_db_cluster(
        DBClusterIdentifier="aurora-plain",
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        StorageEncrypted=False,
    )["DBCluster"]
    rds.create_db_instance(  # a member: judged by its cluster, not listed on its own
        DBInstanceIdentifier="aurora-plain-1",
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
        DBClusterIdentifier="aurora-plain",
    )
    result = eu(account, "rds.storage_encrypted")
    assert failing_ids(result) == {bad, cluster["DBClusterArn"]}
    assert not any("aurora-plain-1" in r.id for r in result.resources)


def test_rds_snapshot_public(account):
    db_instance(account, "orders", StorageEncrypted=True)
    rds = account.client("rds")
    rds.create_db_snapshot(DBSnapshotIdentifier="private", DBInstanceIdentifier="orders")
    assert eu(account, "rds.snapshot_public").status is Status.PASS
    public = rds.create_db_snapshot(DBSnapshotIdentifier="public", DBInstanceIdentifier="orders")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="public", AttributeName="restore", ValuesToAdd=["all"]
    )
    result = eu(account, "rds.snapshot_public")
    assert failing_ids(result) == {public["DBSnapshot"]["DBSnapshotArn"]}


def test_rds_cluster_snapshot_public(account):
    rds = account.client("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
    )
    snapshot = rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="shared", DBClusterIdentifier="aurora"
    )["DBClusterSnapshot"]
    assert eu(account, "rds.snapshot_public").status is Status.PASS
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="shared", AttributeName="restore", ValuesToAdd=["all"]
    )
    result = eu(account, "rds.snapshot_public")
    assert failing_ids(result) == {snapshot["DBClusterSnapshotArn"]}


def test_rds_public_access(account):
    db_instance(account, "internal", PubliclyAccessible=False)
    assert eu(account, "rds.public_access").status is Status.PASS
    public = db_instance(account, "exposed", PubliclyAccessible=True)
    assert failing_ids(eu(account, "rds.public_access")) == {public}


def test_rds_classification_tag(account):
    tagged = db_instance(account, "tagged", Tags=[{"Key": "classification", "Value": "internal"}])
    assert eu(account, "rds.classification_tag").status is Status.PASS
    untagged = db_instance(account, "untagged")
    result = eu(account, "rds.classification_tag")
    assert not_in_place_ids(result) == {untagged}
    assert {r.id for r in result.resources} == {tagged, untagged}


def test_rds_backup_retention(account):
    db_instance(account, "kept", BackupRetentionPeriod=7)
    assert eu(account, "rds.backup_retention").status is Status.PASS
    off = db_instance(account, "off", BackupRetentionPeriod=0)
    result = eu(account, "rds.backup_retention")
    assert failing_ids(result) == {off}


def test_rds_read_replicas_need_no_backups(account):
    db_instance(account, "primary", BackupRetentionPeriod=7)
    account.client("rds").create_db_instance_read_replica(
        DBInstanceIdentifier="replica", SourceDBInstanceIdentifier="primary"
    )
    result = eu(account, "rds.backup_retention")
    assert result.status is Status.PASS
    assert not any(r.id.endswith(":db:replica") for r in result.resources)


def test_rds_snapshot_attributes_unreported_are_undecided(account):
    stub = account.stub("rds", EU)
    snapshot = {"DBSnapshotIdentifier": "s1", "SnapshotType": "manual"}
    stub.add_response("describe_db_snapshots", {"DBSnapshots": [snapshot]})
    stub.add_response("describe_db_snapshot_attributes", {}, {"DBSnapshotIdentifier": "s1"})
    stub.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": []})
    result = account.run("rds.snapshot_public")[EU]
    assert result.status is Status.UNKNOWN  # was PASS "private"
    assert result.resources[0].detail == "the snapshot's attributes are not reported"
