"""The AWS side of the sync: one `wellarchitected` client, limited to what sync needs.

- Built like the scans' clients (`checks.session.client_config`): the profile, region and
  endpoint given, standard retry mode (throttling and 5xx are retried), timeouts.
- A guard (botocore `before-call`, registered first) refuses every operation outside
  `ALLOWED`: the reads sync makes and exactly the writes `CreateWorkload`,
  `UpdateAnswer`, `CreateMilestone` and `AssociateLenses`. Anything else (DeleteWorkload,
  UpdateWorkload, ...) raises `SyncRefused` before it is signed or sent.
- Every AWS error becomes a `WaToolError` with one sentence (AccessDenied names the
  missing action); AWS data becomes values (`Workload`, `WaAnswer`, ...).
- `calls` counts the calls made per operation (a second push of an unchanged review
  makes no write: `writes == 0`).

Names, notes and messages from the WA Tool are untrusted text: kept exactly here and
escaped by whatever shows them.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from review.model import Environment
from review.text import safe_line
from review.watool.mapping import (
    LENS_ALIAS,
    PILLAR_ID,
    LensQuestion,
    UpdateAnswerRequest,
    WaAnswer,
    answer_from_aws,
)

SERVICE = "wellarchitected"
READS = frozenset(
    {"ListWorkloads", "GetWorkload", "GetLensReview", "ListAnswers", "GetAnswer", "ListMilestones"}
)
WRITES = frozenset({"CreateWorkload", "UpdateAnswer", "CreateMilestone", "AssociateLenses"})
ALLOWED = READS | WRITES
"""Every operation sync may send; the guard refuses all others before they are sent."""

WORKLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
WORKLOAD_ARN = re.compile(
    r"^arn:(aws[a-z-]*):wellarchitected:([a-z0-9-]+):(\d{12}):workload/([0-9a-f]{32})$"
)
PAGE_SIZE = 50  # the WA Tool's largest page

# exit codes the front ends use for these errors (cli/exit_codes.py: USAGE, CREDENTIALS)
USAGE = 1
CREDENTIALS = 2


class SyncRefused(Exception):
    """pillar refused to send a WA Tool operation that sync does not need."""

    user_error = True

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"pillar's WA Tool sync refused to call {service} {operation}: it only sends "
            f"{', '.join(sorted(WRITES))} and reads"
        )
        self.service = service
        self.operation = operation


class WaToolError(Exception):
    """A WA Tool call failed; the message is one sentence for people."""

    user_error = True

    def __init__(self, message: str, *, code: str = "", operation: str = "", exit_code: int = 1):
        super().__init__(message)
        self.code = code
        self.operation = operation
        self.exit_code = exit_code


def refuse_unlisted(model: Any, **_: Any) -> None:
    """botocore `before-call` handler: only operations in ALLOWED leave the machine."""
    service = str(model.service_model.service_name)
    if service != SERVICE or str(model.name) not in ALLOWED:
        raise SyncRefused(service, str(model.name))


def install_guard(client: Any) -> None:
    client.meta.events.register_first("before-call", refuse_unlisted, unique_id="pillar-wa-sync")


def iam_policy() -> dict[str, Any]:
    """The least-privilege IAM policy for `pillar wa ...`: the guard's own allow-list."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PillarWaToolRead",
                "Effect": "Allow",
                "Action": sorted(f"{SERVICE}:{op}" for op in READS),
                "Resource": "*",
            },
            {
                "Sid": "PillarWaToolSync",
                "Effect": "Allow",
                "Action": sorted(f"{SERVICE}:{op}" for op in WRITES),
                "Resource": "*",
            },
        ],
    }


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkloadSummary:
    id: str
    arn: str
    name: str
    owner: str  # the AWS account that owns it
    updated_at: datetime | None
    lenses: tuple[str, ...]
    risk_counts: tuple[tuple[str, int], ...]  # (HIGH, 3), (MEDIUM, 2), ...

    @property
    def region(self) -> str:
        return region_of(self.arn) or ""


@dataclass(frozen=True, slots=True)
class Workload:
    id: str
    arn: str
    name: str
    description: str
    environment: Environment
    account_ids: tuple[str, ...]
    regions: tuple[str, ...]
    review_owner: str
    lenses: tuple[str, ...]
    updated_at: datetime | None

    @property
    def region(self) -> str:
        return region_of(self.arn) or ""


@dataclass(frozen=True, slots=True)
class NewWorkload:
    """What `CreateWorkload` gets (see `review.watool.sync.new_workload`)."""

    name: str
    description: str
    environment: Environment
    review_owner: str
    account_ids: tuple[str, ...]
    regions: tuple[str, ...]
    client_request_token: str


@dataclass(frozen=True, slots=True)
class LensReview:
    alias: str
    version: str
    status: str  # CURRENT, NOT_CURRENT, DEPRECATED, DELETED, UNSHARED
    name: str

    @property
    def current(self) -> bool:
        return self.status == "CURRENT"


@dataclass(frozen=True, slots=True)
class RemoteAnswers:
    """The workload's answers for pillar's lens pillar, and the lens's questions."""

    answers: dict[str, WaAnswer] = field(default_factory=dict)  # by WA question id
    questions: dict[str, LensQuestion] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MilestoneSummary:
    number: int
    name: str
    recorded_at: datetime | None


def region_of(arn: str) -> str | None:
    match = WORKLOAD_ARN.match(arn)
    return match.group(2) if match else None


# --- the client -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WaOptions:
    """How to reach the WA Tool (like `pillar scan`): all optional."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    max_attempts: int = 5  # total attempts per call (standard retry mode)


def session_region(options: WaOptions) -> str | None:
    """The region the AWS configuration names for this profile (None if it names none)."""
    import boto3
    from botocore import exceptions as bx

    try:
        region = boto3.Session(profile_name=options.profile).region_name
        return str(region) if region else None
    except bx.ProfileNotFound:
        raise WaToolError(
            f"AWS profile {options.profile!r} is not configured; list profiles with "
            "`aws configure list-profiles`",
            exit_code=CREDENTIALS,
        ) from None


class WaTool:
    """The WA Tool in one region, through a guarded client. Methods return values."""

    def __init__(self, client: Any, region: str) -> None:
        self.client = client
        self.region = region
        self.calls: Counter[str] = Counter()
        self.on_call: Callable[[str], None] | None = None  # progress: called per operation
        install_guard(client)

    @classmethod
    def connect(cls, options: WaOptions, region: str) -> WaTool:
        import boto3
        from botocore import exceptions as bx

        from checks.session import AwsOptions, client_config, custom_endpoint

        aws = AwsOptions(
            profile=options.profile,
            endpoint_url=options.endpoint_url,
            max_attempts=options.max_attempts,
            max_pool_connections=4,
        )
        try:
            session = boto3.Session(profile_name=options.profile)
        except bx.ProfileNotFound:
            raise WaToolError(
                f"AWS profile {options.profile!r} is not configured; list profiles with "
                "`aws configure list-profiles`",
                exit_code=CREDENTIALS,
            ) from None
        client = session.client(
            SERVICE,
            region_name=region,
            endpoint_url=custom_endpoint(aws),
            config=client_config(aws, path_style=False),
        )
        return cls(client, region)

    @property
    def writes(self) -> int:
        """Write calls made so far."""
        return sum(n for op, n in self.calls.items() if op in WRITES)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        method = getattr(self.client, _snake(operation))
        self.calls[operation] += 1
        if self.on_call is not None:
            self.on_call(operation)
        try:
            response = method(**params)
        except SyncRefused:
            raise
        except Exception as error:
            raise translate(error, operation) from None
        response.pop("ResponseMetadata", None)
        return dict(response)

    def _pages(self, operation: str, items: str, **params: Any) -> Iterator[dict[str, Any]]:
        token: str | None = None
        seen: set[str] = set()
        while True:
            page = self._call(operation, **params, **({"NextToken": token} if token else {}))
            yield from page.get(items, [])
            token = page.get("NextToken")
            if not token or token in seen:  # a token seen twice would loop forever
                return
            seen.add(token)

    # --- workloads ------------------------------------------------------------------------

    def list_workloads(self, name_prefix: str | None = None) -> tuple[WorkloadSummary, ...]:
        params: dict[str, Any] = {"MaxResults": PAGE_SIZE}
        if name_prefix:
            params["WorkloadNamePrefix"] = name_prefix[:100]
        return tuple(
            WorkloadSummary(
                id=str(w.get("WorkloadId", "")),
                arn=str(w.get("WorkloadArn", "")),
                name=str(w.get("WorkloadName", "")),
                owner=str(w.get("Owner", "")),
                updated_at=w.get("UpdatedAt"),
                lenses=tuple(str(x) for x in w.get("Lenses", [])),
                risk_counts=tuple(
                    sorted((str(k), int(v)) for k, v in w.get("RiskCounts", {}).items())
                ),
            )
            for w in self._pages("ListWorkloads", "WorkloadSummaries", **params)
        )

    def workload(self, workload_id: str) -> Workload:
        w = self._call("GetWorkload", WorkloadId=workload_id).get("Workload", {})
        environment = w.get("Environment")
        return Workload(
            id=str(w.get("WorkloadId", workload_id)),
            arn=str(w.get("WorkloadArn", "")),
            name=str(w.get("WorkloadName", "")),
            description=str(w.get("Description", "") or ""),
            environment=(
                Environment.PREPRODUCTION
                if environment == "PREPRODUCTION"
                else Environment.PRODUCTION
            ),
            account_ids=tuple(str(a) for a in w.get("AccountIds", [])),
            regions=tuple(str(r) for r in w.get("AwsRegions", [])),
            review_owner=str(w.get("ReviewOwner", "") or ""),
            lenses=tuple(str(x) for x in w.get("Lenses", [])),
            updated_at=w.get("UpdatedAt"),
        )

    def find_workload(self, ref: str) -> Workload:
        """The workload a person named: its id, its ARN or its exact name."""
        ref = ref.strip()
        match = WORKLOAD_ARN.match(ref)
        if match:
            return self.workload(match.group(4))
        if WORKLOAD_ID.match(ref):
            return self.workload(ref)
        named = [w for w in self.list_workloads(ref) if w.name == ref]
        if not named:
            named = [w for w in self.list_workloads(ref) if w.name.casefold() == ref.casefold()]
        if len(named) > 1:
            ids = ", ".join(w.id for w in named)
            raise WaToolError(
                f"{len(named)} WA Tool workloads are named '{safe_line(ref, 60)}' ({ids}); "
                "give the workload id instead"
            )
        if not named:
            raise WaToolError(
                f"no WA Tool workload named '{safe_line(ref, 60)}' in {self.region}; list them "
                "with `pillar wa workloads` (or give --region)"
            )
        return self.workload(named[0].id)

    def create_workload(self, spec: NewWorkload) -> Workload:
        params: dict[str, Any] = {
            "WorkloadName": spec.name,
            "Description": spec.description,
            "Environment": spec.environment.value,
            "Lenses": [LENS_ALIAS],
            "ClientRequestToken": spec.client_request_token,
        }
        if spec.review_owner:
            params["ReviewOwner"] = spec.review_owner
        if spec.account_ids:
            params["AccountIds"] = list(spec.account_ids)
        if spec.regions:
            params["AwsRegions"] = list(spec.regions)
        response = self._call("CreateWorkload", **params)
        return self.workload(str(response["WorkloadId"]))

    def associate_lens(self, workload_id: str, alias: str = LENS_ALIAS) -> None:
        self._call("AssociateLenses", WorkloadId=workload_id, LensAliases=[alias])

    # --- lens reviews and answers --------------------------------------------------------

    def lens_review(self, workload_id: str, alias: str = LENS_ALIAS) -> LensReview:
        review = self._call("GetLensReview", WorkloadId=workload_id, LensAlias=alias).get(
            "LensReview", {}
        )
        return LensReview(
            alias=str(review.get("LensAlias", alias)),
            version=str(review.get("LensVersion", "") or ""),
            status=str(review.get("LensStatus", "") or ""),
            name=str(review.get("LensName", "") or ""),
        )

    def answers(
        self,
        workload_id: str,
        alias: str = LENS_ALIAS,
        *,
        milestone: int | None = None,
        wanted: frozenset[str] | None = None,
    ) -> RemoteAnswers:
        """Every answer of the lens's security pillar (ListAnswers gives the choices) with
        notes (one GetAnswer per question in `wanted`, default all: ListAnswers has none)."""
        params: dict[str, Any] = {
            "WorkloadId": workload_id,
            "LensAlias": alias,
            "PillarId": PILLAR_ID,
            "MaxResults": PAGE_SIZE,
        }
        if milestone is not None:
            params["MilestoneNumber"] = milestone
        result = RemoteAnswers()
        for summary in self._pages("ListAnswers", "AnswerSummaries", **params):
            question_id = str(summary.get("QuestionId", ""))
            if not question_id:
                continue
            choices = frozenset(str(c.get("ChoiceId")) for c in summary.get("Choices", []))
            result.questions[question_id] = LensQuestion(
                question_id, str(summary.get("PillarId", PILLAR_ID)), choices
            )
            if wanted is not None and question_id not in wanted:
                result.answers[question_id] = answer_from_aws(summary)
                continue
            extra = {"MilestoneNumber": milestone} if milestone is not None else {}
            answer = self._call(
                "GetAnswer",
                WorkloadId=workload_id,
                LensAlias=alias,
                QuestionId=question_id,
                **extra,
            ).get("Answer", {})
            result.answers[question_id] = answer_from_aws({"QuestionId": question_id, **answer})
        return result

    def update_answer(
        self, workload_id: str, request: UpdateAnswerRequest, alias: str = LENS_ALIAS
    ) -> WaAnswer:
        """Send one answer; returns the answer the WA Tool now holds."""
        response = self._call(
            "UpdateAnswer", WorkloadId=workload_id, LensAlias=alias, **request.params()
        )
        answer = response.get("Answer", {})
        return answer_from_aws({"QuestionId": request.question_id, **answer})

    # --- milestones ------------------------------------------------------------------------

    def create_milestone(self, workload_id: str, name: str) -> int:
        try:
            response = self._call(
                "CreateMilestone",
                WorkloadId=workload_id,
                MilestoneName=name,
                ClientRequestToken=uuid.uuid4().hex,
            )
        except WaToolError as error:
            if error.code == "ConflictException":
                raise WaToolError(
                    f"the workload already has a milestone named '{safe_line(name, 60)}' "
                    "(milestone names are unique); choose another --milestone name",
                    code=error.code,
                    operation=error.operation,
                ) from None
            raise
        return int(response.get("MilestoneNumber", 0))

    def milestones(self, workload_id: str) -> tuple[MilestoneSummary, ...]:
        found = [
            MilestoneSummary(
                number=int(m.get("MilestoneNumber", 0)),
                name=str(m.get("MilestoneName", "")),
                recorded_at=m.get("RecordedAt"),
            )
            for m in self._pages(
                "ListMilestones", "MilestoneSummaries", WorkloadId=workload_id, MaxResults=PAGE_SIZE
            )
        ]
        return tuple(sorted(found, key=lambda m: m.number))


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


# --- errors as one sentence -----------------------------------------------------------------

_CREDENTIAL_CODES = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "MissingAuthenticationToken",
}


def translate(error: BaseException, operation: str) -> WaToolError:
    """Any exception from a botocore call as a WaToolError with one clear sentence."""
    from botocore import exceptions as bx

    action = f"{SERVICE}:{operation}"
    if isinstance(error, bx.ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", "") or "")
        message = safe_line(str(info.get("Message", "") or "").strip().rstrip("."), 200)
        if code.startswith("AccessDenied"):
            return WaToolError(
                f"access denied to {action}: allow it for your AWS identity "
                "(`pillar iam-policy --sync` prints every action sync needs)",
                code=code,
                operation=operation,
                exit_code=CREDENTIALS,
            )
        if code in _CREDENTIAL_CODES:
            return WaToolError(
                f"AWS refused the credentials for {action} ({code}); sign in again "
                "(e.g. `aws sso login`) or pass --profile",
                code=code,
                operation=operation,
                exit_code=CREDENTIALS,
            )
        if code in {"ThrottlingException", "TooManyRequestsException", "Throttling"}:
            return WaToolError(
                f"the AWS WA Tool kept throttling {action} after every retry; wait a minute "
                "and run the command again (what was done so far is kept)",
                code=code,
                operation=operation,
            )
        if code == "ResourceNotFoundException":
            return WaToolError(
                f"the AWS WA Tool has no such resource for {action} ({message or code}); "
                "check the workload id, its region (--region) and your account",
                code=code,
                operation=operation,
            )
        if code == "ConflictException":
            return WaToolError(
                f"the AWS WA Tool refused {action} because of a conflict ({message or code})",
                code=code,
                operation=operation,
            )
        if code == "ValidationException":
            return WaToolError(
                f"the AWS WA Tool refused {action} as invalid ({message or code})",
                code=code,
                operation=operation,
            )
        if code == "ServiceQuotaExceededException":
            return WaToolError(
                f"the AWS WA Tool refused {action}: a service quota is reached ({message}); "
                "remove unused workloads or milestones, or ask AWS for a higher quota",
                code=code,
                operation=operation,
            )
        return WaToolError(
            f"the AWS WA Tool failed {action} ({code}: {message})", code=code, operation=operation
        )
    credential_errors: tuple[type[BaseException], ...] = (
        bx.NoCredentialsError,
        bx.PartialCredentialsError,
        bx.CredentialRetrievalError,
        bx.NoAuthTokenError,
        bx.TokenRetrievalError,
        bx.SSOError,
    )
    if isinstance(error, credential_errors):
        return WaToolError(
            f"no usable AWS credentials for {action} ({safe_line(str(error), 120)}); sign in "
            "(e.g. `aws sso login`) or pass --profile",
            operation=operation,
            exit_code=CREDENTIALS,
        )
    if isinstance(error, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ReadTimeoutError):
        return WaToolError(
            f"cannot reach the AWS WA Tool for {action} ({safe_line(str(error), 160)}); check "
            "the network, --region or --endpoint-url",
            operation=operation,
        )
    if isinstance(error, bx.ParamValidationError):
        return WaToolError(
            f"pillar could not send {action}: {safe_line(str(error), 200)}", operation=operation
        )
    if isinstance(error, bx.BotoCoreError):
        return WaToolError(
            f"the call {action} failed ({safe_line(str(error), 200)})", operation=operation
        )
    raise error
