"""checks.lib.policy: who a policy lets in, one reading for every resource policy."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.lib.policy import (
    PROBE_NAME,
    Condition,
    Exposure,
    account_of,
    allowed_principals,
    allows_everything,
    allows_whole_service,
    analyze,
    condition_matches,
    denials,
    denies_insecure_transport,
    deny_finding,
    document,
    iam_match,
    only_about_transport,
    probe_principals,
    readable,
    statements,
    trusted_accounts,
)

OWN, OTHER, THIRD = "111122223333", "444455556666", "777788889999"


def policy(*stmts):
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def allow(principal, action="lambda:InvokeFunction", condition=None, **extra):
    s = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*", **extra}
    if condition:
        s["Condition"] = condition
    return s


@pytest.mark.parametrize(
    "principal", ["*", {"AWS": "*"}, {"AWS": ["*", f"arn:aws:iam::{OWN}:root"]}]
)
def test_anyone_without_condition_is_public(principal):
    access = analyze(policy(allow(principal)), OWN)
    assert access.exposure is Exposure.PUBLIC and access.public
    assert "without a restricting condition" in access.reason


def test_not_principal_allow_is_public():
    s = {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{OWN}:root"}, "Action": "*"}
    assert analyze(policy(s), OWN).public


@pytest.mark.parametrize(
    ("condition", "exposure", "accounts"),
    [
        ({"StringEquals": {"aws:SourceAccount": OWN}}, Exposure.RESTRICTED, ()),
        ({"StringEquals": {"aws:SourceAccount": OTHER}}, Exposure.CROSS_ACCOUNT, (OTHER,)),
        ({"StringEquals": {"AWS:SourceOwner": OWN}}, Exposure.RESTRICTED, ()),
        (
            {"StringEquals": {"aws:PrincipalAccount": [OWN, OTHER]}},
            Exposure.CROSS_ACCOUNT,
            (OTHER,),
        ),
        ({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:eu-west-1:{OWN}:t"}}, Exposure.RESTRICTED, ()),
        (
            {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:eu-west-1:{OTHER}:t"}},
            Exposure.CROSS_ACCOUNT,
            (OTHER,),
        ),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}}, Exposure.RESTRICTED, ()),
        ({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}, Exposure.RESTRICTED, ()),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, Exposure.RESTRICTED, ()),
        ({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, Exposure.RESTRICTED, ()),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, Exposure.RESTRICTED, ()),
        ({"StringLike": {"aws:PrincipalOrgID": "*"}}, Exposure.PUBLIC, ()),
        ({"StringNotEquals": {"aws:SourceAccount": OWN}}, Exposure.PUBLIC, ()),
        ({"Bool": {"aws:SecureTransport": "true"}}, Exposure.PUBLIC, ()),
    ],
)
def test_conditions_that_restrict_anyone(condition, exposure, accounts):
    access = analyze(policy(allow("*", condition=condition)), OWN)
    assert (access.exposure, access.accounts) == (exposure, accounts)
    assert access.reason


@pytest.mark.parametrize(
    "principal",
    [OTHER, f"arn:aws:iam::{OTHER}:root", f"arn:aws:iam::{OTHER}:role/x", {"AWS": [OTHER]}],
)
def test_foreign_accounts_are_cross_account(principal):
    if isinstance(principal, str):
        principal = {"AWS": principal}
    access = analyze(policy(allow(principal)), OWN)
    assert (access.exposure, access.accounts) == (Exposure.CROSS_ACCOUNT, (OTHER,))


def test_own_account_and_services_are_restricted():
    doc = policy(
        allow({"AWS": f"arn:aws:iam::{OWN}:root"}),
        allow(
            {"Service": "s3.amazonaws.com"}, condition={"StringEquals": {"aws:SourceAccount": OWN}}
        ),
    )
    assert analyze(doc, OWN).exposure is Exposure.RESTRICTED


def test_a_service_pinned_to_another_account_is_cross_account():
    doc = policy(
        allow(
            {"Service": "s3.amazonaws.com"},
            condition={"StringEquals": {"aws:SourceAccount": OTHER}},
        )
    )
    assert analyze(doc, OWN).accounts == (OTHER,)


def test_foreign_account_within_an_organization_condition_is_restricted():
    doc = policy(allow({"AWS": OTHER}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}}))
    assert analyze(doc, OWN).exposure is Exposure.RESTRICTED


def test_a_deny_unless_in_the_organization_restricts_the_allow():
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}},
    }
    assert analyze(policy(allow("*"), deny), OWN).exposure is Exposure.RESTRICTED
    assert analyze(policy(allow("*")), OWN).public


def test_a_deny_of_other_actions_does_not_restrict():
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteObject",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}},
    }
    assert analyze(policy(allow("*", action="s3:GetObject"), deny), OWN).public


def test_deny_statements_never_open_anything():
    assert (
        analyze(policy({"Effect": "Deny", "Principal": "*", "Action": "*"}), OWN).exposure
        is Exposure.RESTRICTED
    )


def test_actions_limit_the_analysis():
    doc = policy(allow("*", action="sqs:GetQueueAttributes"))
    assert analyze(doc, OWN, actions=["sqs:GetQueueAttributes"]).public
    assert not analyze(doc, OWN, actions=["sqs:SendMessage"]).public
    assert analyze(policy(allow("*", action="sqs:*")), OWN, actions=["sqs:SendMessage"]).public


@pytest.mark.parametrize("shape", [dict, json.dumps, lambda d: quote(json.dumps(d))])
def test_documents_in_every_shape(shape):
    doc = policy(allow("*"))
    assert statements(shape(doc)) == statements(doc)
    assert analyze(shape(doc), OWN).public


@pytest.mark.parametrize("junk", [None, "", "not json", "[1, 2]", 42, {"Statement": "x"}])
def test_unreadable_documents_have_no_statements(junk):
    assert statements(junk) == []
    assert document(junk) == ({"Statement": "x"} if isinstance(junk, dict) else {})


def test_account_of():
    assert account_of(OTHER) == OTHER
    assert account_of(f"arn:aws:iam::{OTHER}:root") == OTHER
    assert account_of(f"arn:aws-cn:sts::{OTHER}:assumed-role/r/s") == OTHER
    assert account_of("*") is None and account_of("arn:aws:s3:::b") is None


def test_allows_everything():
    assert allows_everything(policy({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    assert allows_everything(policy({"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}))
    assert not allows_everything(policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    assert not allows_everything(policy({"Effect": "Deny", "Action": "*", "Resource": "*"}))


def test_trusted_accounts():
    trust = policy(
        allow(
            {"AWS": OTHER},
            action="sts:AssumeRole",
            condition={"StringEquals": {"sts:ExternalId": "x"}},
        ),
        allow({"AWS": f"arn:aws:iam::{THIRD}:root"}, action="sts:AssumeRole"),
        allow({"AWS": OWN}, action="sts:AssumeRole"),
        allow({"Service": "ec2.amazonaws.com"}, action="sts:AssumeRole"),
    )
    assert trusted_accounts(trust, OWN) == (False, {OTHER: True, THIRD: False})
    assert trusted_accounts(policy(allow("*", action="sts:AssumeRole")), OWN) == (True, {})
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}
    assert trusted_accounts(policy(allow("*", action="sts:AssumeRole", condition=org)), OWN) == (
        False,
        {},
    )


accounts = st.sampled_from([OWN, OTHER, THIRD])
principals = st.one_of(
    st.just("*"),
    accounts.map(lambda a: {"AWS": a}),
    accounts.map(lambda a: {"AWS": f"arn:aws:iam::{a}:root"}),
    st.sampled_from(["sns.amazonaws.com", "s3.amazonaws.com"]).map(lambda s: {"Service": s}),
)
conditions = st.one_of(
    st.none(),
    accounts.map(lambda a: {"StringEquals": {"aws:SourceAccount": a}}),
    st.just({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}),
    st.just({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
)
statement = st.builds(lambda p, c: allow(p, condition=c), principals, conditions)


@settings(deadline=None)
@given(st.lists(statement, max_size=5))
def test_exposure_is_consistent(stmts):
    access = analyze(policy(*stmts), OWN)
    assert OWN not in access.accounts
    assert access.reason
    if access.exposure is Exposure.CROSS_ACCOUNT:
        assert access.accounts
    public = any(s["Principal"] == "*" and "Condition" not in s for s in stmts)
    assert access.public == public


@settings(deadline=None)
@given(st.lists(statement, max_size=5), statement)
def test_adding_an_allow_never_narrows_exposure(stmts, extra):
    rank = {Exposure.RESTRICTED: 0, Exposure.CROSS_ACCOUNT: 1, Exposure.PUBLIC: 2}
    before, after = analyze(policy(*stmts), OWN), analyze(policy(*stmts, extra), OWN)
    assert rank[after.exposure] >= rank[before.exposure]
    assert set(before.accounts) <= set(after.accounts)


@settings(deadline=None)
@given(st.lists(statement, max_size=5))
def test_deny_statements_only_narrow(stmts):
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}},
    }
    assert not analyze(policy(*stmts, deny), OWN).public


# --- IAM wildcards ----------------------------------------------------------------------

literal = st.text(
    alphabet=st.characters(blacklist_characters="*?", blacklist_categories=("Cs",)), max_size=20
)


@given(literal)
def test_a_literal_matches_itself_only(text):
    assert iam_match(text, text)
    assert not iam_match(text, text + "x")
    ascii_text = text.encode("ascii", "ignore").decode()
    assert iam_match(ascii_text.upper(), ascii_text.lower())  # actions ignore case


@given(literal, literal)
def test_star_matches_any_run_and_question_mark_one_character(prefix, rest):
    assert iam_match(prefix + "*", prefix + rest)
    assert iam_match("*", rest)
    assert iam_match(prefix + "?" * len(rest), prefix + rest)
    assert iam_match(prefix + "?", prefix + rest) == (len(rest) == 1)


def test_brackets_are_literal_unlike_fnmatch():
    assert not iam_match("cloudtrail:[D]eleteTrail", "cloudtrail:DeleteTrail")
    assert iam_match("cloudtrail:[D]eleteTrail", "cloudtrail:[d]eletetrail")
    assert iam_match("CloudTrail:Stop*", "cloudtrail:stoplogging")
    assert not iam_match(
        "arn:aws:iam::*:role/Admin", "arn:aws:iam::1:role/admin", ignore_case=False
    )


# --- Deny guardrails --------------------------------------------------------------------


def deny_stmt(action="cloudtrail:StopLogging", condition=None, **extra):
    s = {"Effect": "Deny", "Action": action, "Resource": "*", **extra}
    if condition:
        s["Condition"] = condition
    return s


def finding(*stmts, action="cloudtrail:StopLogging"):
    return deny_finding(policy(*stmts), action, account_id=OWN, organization_id="o-own")


def test_deny_finding_reads_effect_action_not_action_and_resources():
    assert finding(deny_stmt()).holds
    assert finding(deny_stmt(action="cloudtrail:*")).holds
    assert finding(deny_stmt(action="s3:*")) is None
    assert finding({**deny_stmt(), "Effect": "Allow"}) is None
    assert finding({**deny_stmt(), "Effect": "deny "}).holds  # IAM trims and ignores case
    not_action = {"Effect": "Deny", "NotAction": ["s3:*"], "Resource": "*"}
    assert finding(not_action).holds
    assert finding({**not_action, "NotAction": "cloudtrail:Stop*"}) is None
    assert finding(deny_stmt(Resource="arn:aws:cloudtrail:*:*:trail/*")).holds
    assert not finding(deny_stmt(Resource="arn:aws:cloudtrail:*:*:trail/main")).holds
    assert finding(deny_stmt(Resource=f"arn:aws:cloudtrail:*:{OWN}:trail/*")).holds
    assert not finding(deny_stmt(Resource=f"arn:aws:cloudtrail:*:{OTHER}:trail/*")).holds
    other_service = {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::logs"}
    assert finding(other_service).holds
    same_service = {**other_service, "NotResource": "arn:aws:cloudtrail:*:*:trail/main"}
    assert not finding(same_service).holds


def test_the_best_statement_is_reported():
    weak = deny_stmt(condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})
    narrow = deny_stmt(
        condition={"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}
    )
    assert finding(weak, narrow).holds
    assert finding(weak, narrow).exemptions == ("aws:principalarn arn:aws:iam::*:role/BreakGlass",)
    assert finding(weak, narrow, deny_stmt()).exemptions == ()
    alone = finding(weak)
    assert not alone.holds
    assert "aws:requestedregion" in alone.why_not


@pytest.mark.parametrize(
    ("operator", "key", "values", "role", "user"),
    [
        ("StringEquals", "aws:PrincipalAccount", [OWN], True, True),
        ("StringNotEquals", "aws:PrincipalAccount", [OWN], False, False),
        ("StringNotEqualsIfExists", "aws:username", [PROBE_NAME], True, False),
        ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/*"], True, False),
        ("ArnNotLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/Admin"], True, True),
        ("StringLike", "aws:PrincipalTag/team", ["*"], False, False),
        ("StringNotLike", "aws:PrincipalTag/team", ["security"], True, True),
        ("StringEqualsIfExists", "aws:PrincipalTag/team", ["security"], True, True),
        ("ForAllValues:StringEquals", "aws:PrincipalTag/team", ["x"], True, True),
        ("ForAnyValue:StringEquals", "aws:PrincipalTag/team", ["x"], False, False),
        ("Null", "aws:PrincipalTag/exempt", ["true"], True, True),
        ("Null", "aws:PrincipalTag/exempt", ["false"], False, False),
        ("Null", "aws:username", ["true"], True, False),  # roles have no user name
        ("Bool", "aws:PrincipalIsAWSService", ["false"], True, True),
        ("NumericLessThan", "aws:PrincipalAccount", ["1"], None, None),
    ],
)
def test_condition_matches_follows_iam_rules(operator, key, values, role, user):
    condition = Condition(operator.lower(), key.lower(), tuple(values))
    probe_role, probe_user = probe_principals(OWN, "o-own")
    assert condition_matches(condition, probe_role) is role
    assert condition_matches(condition, probe_user) is user


iam_actions = st.sampled_from(
    ["cloudtrail:StopLogging", "guardduty:DeleteDetector", "organizations:LeaveOrganization"]
)
patterns = st.sampled_from(["*", "cloudtrail:*", "guardduty:Delete*", "s3:*", "organizations:L*"])
principal_conditions = st.one_of(
    st.none(),
    st.just({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}),
    st.just({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
    st.just({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
    st.just({"StringNotEquals": {"aws:PrincipalAccount": OTHER}}),
)
denies = st.builds(
    lambda a, c, not_action: (
        {"Effect": "Deny", "NotAction" if not_action else "Action": a, "Resource": "*"}
        | ({"Condition": c} if c else {})
    ),
    st.lists(patterns, min_size=1, max_size=3),
    principal_conditions,
    st.booleans(),
)


# --- denials, plain-HTTP denials, principals, whole-service grants -------------------------

TLS_ONLY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def test_denies_insecure_transport():
    assert denies_insecure_transport({"Statement": [TLS_ONLY]}, "s3")
    assert denies_insecure_transport({"Statement": {**TLS_ONLY, "Principal": "*"}}, "s3")
    assert denies_insecure_transport(json.dumps(policy({**TLS_ONLY, "Action": "*"})), "s3")
    as_bool = {"Bool": {"aws:SecureTransport": [False]}}
    assert denies_insecure_transport(policy({**TLS_ONLY, "Condition": as_bool}), "s3")
    if_exists = {"BoolIfExists": {"AWS:SecureTransport": "FALSE"}}
    assert denies_insecure_transport(policy({**TLS_ONLY, "Condition": if_exists}), "s3")
    assert not denies_insecure_transport(policy({**TLS_ONLY, "Action": "s3:GetObject"}), "s3")
    assert not denies_insecure_transport(policy({**TLS_ONLY, "Effect": "Allow"}), "s3")
    https = {"Bool": {"aws:SecureTransport": "true"}}
    assert not denies_insecure_transport(policy({**TLS_ONLY, "Condition": https}), "s3")
    assert not denies_insecure_transport(policy({**TLS_ONLY, "Action": "sqs:*"}), "s3")
    assert denies_insecure_transport(policy({**TLS_ONLY, "Action": "sqs:*"}), "sqs")
    # stricter than the old hand-written reader: NotAction / NotPrincipal deny only some
    some = {k: v for k, v in TLS_ONLY.items() if k != "Action"} | {"NotAction": "s3:GetObject"}
    assert not denies_insecure_transport(policy(some), "s3")
    others = {k: v for k, v in TLS_ONLY.items() if k != "Principal"}
    others["NotPrincipal"] = {"AWS": f"arn:aws:iam::{OWN}:root"}
    assert not denies_insecure_transport(policy(others), "s3")
    assert not denies_insecure_transport("not json", "s3")


def test_denials_cover_actions_through_wildcards_and_not_action():
    doc = policy(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:Delete*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "NotAction": "s3:Get*", "Resource": "*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"},
    )
    assert [s.sid for s in denials(doc, "s3:DeleteObject")] == ["statement 1", "statement 2"]
    assert [s.sid for s in denials(doc, "s3:GetObject")] == []
    assert [s.sid for s in denials(doc, "S3:PUTOBJECT")] == ["statement 2"]


def test_only_about_transport():
    (tls,) = statements(policy(TLS_ONLY))
    assert only_about_transport(tls)
    version = {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
    (old_tls,) = statements(policy({**TLS_ONLY, "Condition": version}))
    assert only_about_transport(old_tls)
    who = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/admin"}}
    (guarded,) = statements(policy({**TLS_ONLY, "Condition": {**version, **who}}))
    assert not only_about_transport(guarded)
    (bare,) = statements(policy({k: v for k, v in TLS_ONLY.items() if k != "Condition"}))
    assert not only_about_transport(bare)


def test_allowed_principals():
    doc = policy(
        allow({"AWS": [OTHER, OWN], "Service": "ec2.amazonaws.com"}, action="sts:AssumeRole"),
        allow("*", action="sts:AssumeRole"),
        {"Effect": "Deny", "Principal": {"AWS": THIRD}, "Action": "*"},
        {"Effect": "Allow", "NotPrincipal": {"AWS": THIRD}, "Action": "*"},
    )
    assert allowed_principals(doc) == ["*", OWN, OTHER, "ec2.amazonaws.com"]
    assert allowed_principals("junk") == []


def test_allows_whole_service():
    assert allows_whole_service(policy(allow("*", action=["support:*"])), "support")
    assert allows_whole_service(policy(allow("*", action="Support:*")), "support")
    assert not allows_whole_service(policy(allow("*", action="*")), "support")
    assert not allows_whole_service(policy(allow("*", action="support:Describe*")), "support")
    deny = {"Effect": "Deny", "Action": "support:*", "Resource": "*"}
    assert not allows_whole_service(policy(deny), "support")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (policy(allow("*")), True),
        (json.dumps(policy()), True),  # no statements at all: read, and nothing in it
        ({"Statement": {"Effect": "Allow"}}, True),
        ({"Statement": "x"}, False),
        ({"Statement": [{"Effect": "Allow"}, "x"]}, False),
        ({"Version": "2012-10-17"}, False),
        ("{not json", False),
        (None, False),
    ],
)
def test_readable(value, expected):
    assert readable(value) is expected


actions = st.sampled_from(["s3:*", "*", "s3:DeleteObject", "s3:Get*", "sqs:*", "S3:Delete*"])
any_statement = st.builds(
    lambda effect, action, principal, condition: {
        "Effect": effect,
        "Principal": principal,
        "Action": action,
        "Resource": "*",
        **({"Condition": condition} if condition else {}),
    },
    st.sampled_from(["Allow", "Deny"]),
    actions,
    principals,
    st.one_of(
        conditions,
        st.just({"Bool": {"aws:SecureTransport": "false"}}),
        st.just({"NumericLessThan": {"s3:TlsVersion": "1.2"}}),
    ),
)


@settings(deadline=None)
@given(st.lists(denies, max_size=4), iam_actions, st.lists(statement, max_size=2))
def test_allow_statements_never_change_a_deny_finding(stmts, action, allows):
    assert finding(*stmts, action=action) == finding(*stmts, *allows, action=action)


@settings(deadline=None)
@given(st.lists(denies, max_size=4), iam_actions)
def test_an_unconditional_deny_of_everything_always_holds(stmts, action):
    found = finding(*stmts, {"Effect": "Deny", "Action": "*", "Resource": "*"}, action=action)
    assert found is not None and found.holds and found.exemptions == ()


@settings(deadline=None)
@given(st.lists(denies, max_size=4), iam_actions)
def test_a_condition_on_the_request_never_makes_a_deny_hold(stmts, action):
    region = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    conditioned = [s | {"Condition": {**s.get("Condition", {}), **region}} for s in stmts]
    found = finding(*conditioned, action=action)
    assert found is None or not found.holds


@settings(deadline=None)
@given(st.lists(denies, max_size=4), iam_actions)
def test_a_deny_holds_only_if_its_actions_cover_the_action(stmts, action):
    found = finding(*stmts, action=action)
    covered = [s for s in statements(policy(*stmts)) if s.covers_action(action)]
    assert (found is None) == (not covered)


@settings(deadline=None)
@given(st.lists(any_statement, max_size=5), st.lists(statement, max_size=3))
def test_allow_statements_never_change_denials(stmts, allows):
    doc, more = policy(*stmts), policy(*stmts, *allows)
    for action in ("s3:DeleteObject", "s3:GetObject", "sqs:SendMessage"):
        assert denials(more, action) == denials(doc, action)
        assert all(not s.allow and s.allows_action(action) for s in denials(doc, action))
    assert denies_insecure_transport(more, "s3") == denies_insecure_transport(doc, "s3")


@settings(deadline=None)
@given(st.lists(any_statement, max_size=5))
def test_a_tls_only_statement_is_always_found(stmts):
    assert denies_insecure_transport(policy(*stmts, TLS_ONLY), "s3")
    expected = any(
        s["Effect"] == "Deny"
        and s["Principal"] in ("*", {"AWS": "*"})
        and s["Action"] in ("s3:*", "*")
        and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        for s in stmts
    )
    assert denies_insecure_transport(policy(*stmts), "s3") == expected


@settings(deadline=None)
@given(st.lists(any_statement, max_size=5))
def test_allowed_principals_are_those_of_allow_statements(stmts):
    found = allowed_principals(policy(*stmts))
    assert found == sorted(set(found))
    for s in stmts:
        named = s["Principal"]
        values = [named] if isinstance(named, str) else list(named.values())
        if s["Effect"] == "Allow":
            assert set(values) <= set(found)
    if all(s["Effect"] == "Deny" for s in stmts):
        assert found == []
