"""Tests of the dynamodb checks (checks/services/dynamodb.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import CheckResult, Status
from checks.testing import Harness, failing_ids, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


KEY_SCHEMA = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def table(account: Harness, name: str, region: str = EU) -> str:
    ddb = account.client("dynamodb", region)
    return str(ddb.create_table(TableName=name, **KEY_SCHEMA)["TableDescription"]["TableArn"])


def test_dynamodb_encryption_never_fails_an_aws_owned_key(account):
    owned = table(account, "owned")
    ddb = account.client("dynamodb")
    kms_arn = ddb.create_table(
        TableName="kms", SSESpecification={"Enabled": True, "SSEType": "KMS"}, **KEY_SCHEMA
    )["TableDescription"]["TableArn"]
    result = eu(account, "dynamodb.table_encryption")
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert details[owned] == "encrypted with an AWS owned key"
    assert details[kms_arn].startswith("encrypted with KMS")


def test_dynamodb_encryption_disabled_fails(account):
    stub = account.stub("dynamodb", EU)
    stub.add_response("list_tables", {"TableNames": ["tbl"]})
    arn = f"arn:aws:dynamodb:{EU}:{ACCOUNT_ID}:table/tbl"
    stub.add_response(
        "describe_table",
        {"Table": {"TableName": "tbl", "TableArn": arn, "SSEDescription": {"Status": "DISABLED"}}},
    )
    result = eu(account, "dynamodb.table_encryption")
    assert failing_ids(result) == {arn}


def test_dynamodb_classification_tag(account):
    tagged = table(account, "tagged")
    account.client("dynamodb").tag_resource(
        ResourceArn=tagged, Tags=[{"Key": "DataClassification", "Value": "restricted"}]
    )
    assert eu(account, "dynamodb.classification_tag").status is Status.PASS
    untagged = table(account, "untagged")
    assert not_in_place_ids(eu(account, "dynamodb.classification_tag")) == {untagged}


def test_dynamodb_pitr(account):
    table(account, "recoverable")
    account.client("dynamodb").update_continuous_backups(
        TableName="recoverable",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    assert eu(account, "dynamodb.pitr").status is Status.PASS
    table(account, "fragile")
    result = eu(account, "dynamodb.pitr")
    assert failing_ids(result) == {f"arn:aws:dynamodb:{EU}:{ACCOUNT_ID}:table/fragile"}


def test_dynamodb_pitr_reads_every_page(account):
    stub = account.stub("dynamodb", EU)
    stub.add_response("list_tables", {"TableNames": ["aaa"], "LastEvaluatedTableName": "aaa"})
    stub.add_response("list_tables", {"TableNames": ["bbb"]}, {"ExclusiveStartTableName": "aaa"})
    for name, status in (("aaa", "ENABLED"), ("bbb", "DISABLED")):
        stub.add_response(
            "describe_continuous_backups",
            {
                "ContinuousBackupsDescription": {
                    "ContinuousBackupsStatus": "ENABLED",
                    "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status},
                }
            },
            {"TableName": name},
        )
    result = eu(account, "dynamodb.pitr")
    assert len(result.resources) == 2
    assert failing_ids(result) == {f"arn:aws:dynamodb:{EU}:{ACCOUNT_ID}:table/bbb"}
    stub.assert_no_pending_responses()


def test_table_encryption_without_a_description_is_undecided(account):
    stub = account.stub("dynamodb", "eu-west-1")
    stub.add_response("list_tables", {"TableNames": ["orders"]})
    stub.add_response("describe_table", {}, {"TableName": "orders"})
    result = account.run("dynamodb.table_encryption")["eu-west-1"]
    assert result.status is Status.UNKNOWN  # was PASS "encrypted with an AWS owned key"
    assert result.resources[0].detail == "DescribeTable returned no table description"
