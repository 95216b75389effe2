"""A small local AWS WA Tool for tests: HTTP on 127.0.0.1 speaking wellarchitected REST-JSON.

moto has no Well-Architected backend, so this plays the service for the operations sync
uses, through botocore's real serialization (`--endpoint-url`). State is in memory; the
lens's questions and choices come from pillar's bank (`wa_question_id`, `choice_id`, the
`_no` choices), optionally altered to play another lens version. Faults on demand:
throttling (429 ThrottlingException), any error once, a small page size.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from questions import Pillar, Risk, security_pillar

ACCOUNT = "123456789012"
REGION = "eu-west-1"
LENS = "wellarchitected"


@dataclass
class LensChoice:
    id: str
    risk: Risk | None  # None for "none of these"


@dataclass
class Workload:
    id: str
    arn: str
    name: str
    description: str
    environment: str
    account_ids: list[str]
    regions: list[str]
    review_owner: str
    lenses: list[str]
    token: str
    updated: float
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # question -> state
    milestones: list[dict[str, Any]] = field(default_factory=list)


class ServiceError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class FakeWaTool:
    """The service's state and behaviour (the HTTP layer is `_Handler`)."""

    def __init__(self, pillar: Pillar | None = None, *, page_size: int = 4) -> None:
        self.pillar = pillar or security_pillar()
        self.page_size = page_size
        self.lock = threading.RLock()
        self.workloads: dict[str, Workload] = {}
        self.calls: list[str] = []
        self.throttle: dict[str, int] = {}  # operation -> throttled responses still to give
        self.errors: dict[str, ServiceError] = {}  # operation -> error to give once
        self.lens_version = "2024-06-27"
        self.lens_status = "CURRENT"
        self.lens: dict[str, list[LensChoice]] = {}
        for question in self.pillar.questions:
            self.lens[question.wa_question_id] = [
                LensChoice(str(bp.choice_id), bp.risk) for bp in question.best_practices
            ] + [LensChoice(str(question.none_choice_id), None)]

    # --- test helpers -------------------------------------------------------------------

    def writes(self) -> list[str]:
        return [c for c in self.calls if not c.startswith(("Get", "List"))]

    def drop_choice(self, choice_id: str) -> None:
        """Play an older lens version: the lens has no such choice."""
        for choices in self.lens.values():
            choices[:] = [c for c in choices if c.id != choice_id]

    def add_choice(self, question_id: str, choice_id: str) -> None:
        """Play a newer lens version: an extra choice pillar's bank does not know."""
        self.lens[question_id].append(LensChoice(choice_id, Risk.MEDIUM))

    def add_workload(self, name: str, *, lenses: tuple[str, ...] = (LENS,)) -> Workload:
        return self._create(
            {
                "WorkloadName": name,
                "Description": "made in the console",
                "Environment": "PRODUCTION",
                "AwsRegions": [REGION],
                "Lenses": list(lenses),
                "ClientRequestToken": uuid.uuid4().hex,
            }
        )

    def set_answer(self, workload: Workload, question_id: str, **fields: Any) -> None:
        """Answer a question as someone in the console would."""
        self._update(workload, question_id, fields)

    # --- operations -------------------------------------------------------------------

    def handle(self, op: str, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.calls.append(op)
            if self.throttle.get(op, 0) > 0:
                self.throttle[op] -= 1
                raise ServiceError(429, "ThrottlingException", "Rate exceeded")
            if op in self.errors:
                raise self.errors.pop(op)
            handler = getattr(self, f"op_{op}")
            result: dict[str, Any] = handler(params, body)
            return result

    def _workload(self, workload_id: str) -> Workload:
        if workload_id not in self.workloads:
            raise ServiceError(
                404, "ResourceNotFoundException", f"Workload {workload_id} not found"
            )
        return self.workloads[workload_id]

    def _create(self, body: dict[str, Any]) -> Workload:
        for w in self.workloads.values():
            if w.token == body["ClientRequestToken"]:
                return w
            if w.name.casefold() == body["WorkloadName"].casefold():
                raise ServiceError(409, "ConflictException", "Workload name already exists")
        if not body.get("AwsRegions") and not body.get("NonAwsRegions"):
            raise ServiceError(400, "ValidationException", "AwsRegions or NonAwsRegions required")
        workload_id = uuid.uuid4().hex
        workload = Workload(
            id=workload_id,
            arn=f"arn:aws:wellarchitected:{REGION}:{ACCOUNT}:workload/{workload_id}",
            name=body["WorkloadName"],
            description=body["Description"],
            environment=body["Environment"],
            account_ids=list(body.get("AccountIds", [])),
            regions=list(body.get("AwsRegions", [])),
            review_owner=body.get("ReviewOwner", ""),
            lenses=list(body["Lenses"]),
            token=body["ClientRequestToken"],
            updated=time.time(),
        )
        self.workloads[workload_id] = workload
        return workload

    def op_CreateWorkload(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        workload = self._create(body)
        return {"WorkloadId": workload.id, "WorkloadArn": workload.arn}

    def _summary(self, w: Workload) -> dict[str, Any]:
        return {
            "WorkloadId": w.id,
            "WorkloadArn": w.arn,
            "WorkloadName": w.name,
            "Owner": ACCOUNT,
            "UpdatedAt": w.updated,
            "Lenses": w.lenses,
            "RiskCounts": self._risk_counts(w),
            "ImprovementStatus": "NOT_STARTED",
        }

    def _risk_counts(self, w: Workload) -> dict[str, int]:
        counts: dict[str, int] = {}
        for question in self.lens:
            risk = self._answer(w, question)["Risk"]
            counts[risk] = counts.get(risk, 0) + 1
        return counts

    def _page(self, items: list[Any], params: dict[str, Any]) -> tuple[list[Any], str | None]:
        size = min(int(params.get("MaxResults") or 50), self.page_size)
        start = int(params.get("NextToken") or 0)
        end = start + size
        return items[start:end], (str(end) if end < len(items) else None)

    def op_ListWorkloads(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        prefix = str(body.get("WorkloadNamePrefix", "")).casefold()
        found = [
            self._summary(w)
            for w in self.workloads.values()
            if w.name.casefold().startswith(prefix)
        ]
        page, token = self._page(found, body)
        return {"WorkloadSummaries": page, **({"NextToken": token} if token else {})}

    def op_GetWorkload(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        return {
            "Workload": {
                **self._summary(w),
                "Description": w.description,
                "Environment": w.environment,
                "AccountIds": w.account_ids,
                "AwsRegions": w.regions,
                "ReviewOwner": w.review_owner,
            }
        }

    def op_AssociateLenses(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        for alias in body["LensAliases"]:
            if alias not in w.lenses:
                w.lenses.append(alias)
        return {}

    def _lens_check(self, w: Workload, alias: str) -> None:
        if alias not in w.lenses:
            raise ServiceError(404, "ResourceNotFoundException", f"Lens {alias} not associated")

    def op_GetLensReview(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        self._lens_check(w, params["LensAlias"])
        return {
            "WorkloadId": w.id,
            "LensReview": {
                "LensAlias": LENS,
                "LensArn": f"arn:aws:wellarchitected::aws:lens/{LENS}",
                "LensVersion": self.lens_version,
                "LensName": "AWS Well-Architected Framework",
                "LensStatus": self.lens_status,
                "RiskCounts": self._risk_counts(w),
            },
        }

    def _answer(
        self, w: Workload, question: str, answers: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        state = (answers if answers is not None else w.answers).get(question, {})
        choices = self.lens[question]
        applicable = state.get("IsApplicable", True)
        selected = list(state.get("SelectedChoices", []))
        marks = state.get("ChoiceAnswers", {})
        if not applicable:
            risk = "NOT_APPLICABLE"
        elif not selected:
            risk = "UNANSWERED"
        else:
            unmet = {
                c.risk
                for c in choices
                if c.risk is not None
                and c.id not in selected
                and marks.get(c.id, {}).get("Status") != "NOT_APPLICABLE"
            }
            risk = "HIGH" if Risk.HIGH in unmet else "MEDIUM" if Risk.MEDIUM in unmet else "NONE"
        answer: dict[str, Any] = {
            "QuestionId": question,
            "PillarId": "security",
            "QuestionTitle": question,
            "Choices": [{"ChoiceId": c.id, "Title": c.id} for c in choices],
            "SelectedChoices": selected,
            "ChoiceAnswers": [{"ChoiceId": k, **v} for k, v in sorted(marks.items())],
            "IsApplicable": applicable,
            "Risk": risk,
            "Notes": state.get("Notes", ""),
        }
        if not applicable:
            answer["Reason"] = state.get("Reason", "NONE")
        return answer

    def _answers_at(self, w: Workload, params: dict[str, Any]) -> dict[str, Any] | None:
        number = params.get("MilestoneNumber")
        if number is None:
            return None
        for m in w.milestones:
            if m["number"] == int(number):
                return dict(m["answers"])
        raise ServiceError(404, "ResourceNotFoundException", "Milestone not found")

    def op_ListAnswers(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        self._lens_check(w, params["LensAlias"])
        answers = self._answers_at(w, params)
        summaries = []
        for question in self.lens:
            full = self._answer(w, question, answers)
            full.pop("Notes")
            full["ChoiceAnswerSummaries"] = [
                {k: v for k, v in c.items() if k != "Notes"} for c in full.pop("ChoiceAnswers")
            ]
            summaries.append(full)
        page, token = self._page(summaries, params)
        return {
            "WorkloadId": w.id,
            "LensAlias": LENS,
            "AnswerSummaries": page,
            **({"NextToken": token} if token else {}),
        }

    def op_GetAnswer(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        self._lens_check(w, params["LensAlias"])
        if params["QuestionId"] not in self.lens:
            raise ServiceError(404, "ResourceNotFoundException", "Question not found")
        answer = self._answer(w, params["QuestionId"], self._answers_at(w, params))
        return {"WorkloadId": w.id, "LensAlias": LENS, "Answer": answer}

    def _update(self, w: Workload, question: str, body: dict[str, Any]) -> None:
        if question not in self.lens:
            raise ServiceError(404, "ResourceNotFoundException", "Question not found")
        ids = {c.id for c in self.lens[question]}
        state = w.answers.setdefault(question, {})
        for choice in [*body.get("SelectedChoices", []), *body.get("ChoiceUpdates", {})]:
            if choice not in ids:
                raise ServiceError(400, "ValidationException", f"Invalid choice id {choice}")
        if len(body.get("Notes", "")) > 2084:
            raise ServiceError(400, "ValidationException", "Notes longer than 2084 characters")
        if "IsApplicable" in body:
            state["IsApplicable"] = body["IsApplicable"]
            if body["IsApplicable"]:
                state.pop("Reason", None)
        if "Reason" in body:
            state["Reason"] = body["Reason"]
        if "SelectedChoices" in body:
            state["SelectedChoices"] = list(body["SelectedChoices"])
        marks = state.setdefault("ChoiceAnswers", {})
        for choice, update in body.get("ChoiceUpdates", {}).items():
            if update["Status"] == "NOT_APPLICABLE":
                marks[choice] = {"Status": "NOT_APPLICABLE", "Reason": update.get("Reason", "NONE")}
            else:
                marks.pop(choice, None)
                selected = state.setdefault("SelectedChoices", [])
                if update["Status"] == "SELECTED" and choice not in selected:
                    selected.append(choice)
                if update["Status"] == "UNSELECTED" and choice in selected:
                    selected.remove(choice)
        for choice in marks:
            if choice in state.get("SelectedChoices", []):
                state["SelectedChoices"].remove(choice)
        if "Notes" in body:
            state["Notes"] = body["Notes"]
        w.updated = time.time()

    def op_UpdateAnswer(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        self._lens_check(w, params["LensAlias"])
        self._update(w, params["QuestionId"], body)
        return {
            "WorkloadId": w.id,
            "LensAlias": LENS,
            "Answer": self._answer(w, params["QuestionId"]),
        }

    def op_CreateMilestone(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        if any(m["name"] == body["MilestoneName"] for m in w.milestones):
            raise ServiceError(
                409, "ConflictException", f"Milestone {body['MilestoneName']} already exists"
            )
        number = len(w.milestones) + 1
        w.milestones.append(
            {
                "number": number,
                "name": body["MilestoneName"],
                "at": time.time(),
                "answers": json.loads(json.dumps(w.answers)),
            }
        )
        return {"WorkloadId": w.id, "MilestoneNumber": number}

    def op_ListMilestones(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        w = self._workload(params["WorkloadId"])
        items = [
            {
                "MilestoneNumber": m["number"],
                "MilestoneName": m["name"],
                "RecordedAt": m["at"],
                "WorkloadSummary": self._summary(w),
            }
            for m in w.milestones
        ]
        page, token = self._page(items, body)
        return {
            "WorkloadId": w.id,
            "MilestoneSummaries": page,
            **({"NextToken": token} if token else {}),
        }


ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/workloadsSummaries$"), "ListWorkloads"),
    ("POST", re.compile(r"^/workloads$"), "CreateWorkload"),
    ("GET", re.compile(r"^/workloads/(?P<WorkloadId>[^/]+)$"), "GetWorkload"),
    ("PATCH", re.compile(r"^/workloads/(?P<WorkloadId>[^/]+)/associateLenses$"), "AssociateLenses"),
    ("POST", re.compile(r"^/workloads/(?P<WorkloadId>[^/]+)/milestones$"), "CreateMilestone"),
    (
        "POST",
        re.compile(r"^/workloads/(?P<WorkloadId>[^/]+)/milestonesSummaries$"),
        "ListMilestones",
    ),
    (
        "GET",
        re.compile(r"^/workloads/(?P<WorkloadId>[^/]+)/lensReviews/(?P<LensAlias>[^/]+)$"),
        "GetLensReview",
    ),
    (
        "GET",
        re.compile(r"^/workloads/(?P<WorkloadId>[^/]+)/lensReviews/(?P<LensAlias>[^/]+)/answers$"),
        "ListAnswers",
    ),
    (
        "GET",
        re.compile(
            r"^/workloads/(?P<WorkloadId>[^/]+)/lensReviews/(?P<LensAlias>[^/]+)/answers/(?P<QuestionId>[^/]+)$"
        ),
        "GetAnswer",
    ),
    (
        "PATCH",
        re.compile(
            r"^/workloads/(?P<WorkloadId>[^/]+)/lensReviews/(?P<LensAlias>[^/]+)/answers/(?P<QuestionId>[^/]+)$"
        ),
        "UpdateAnswer",
    ),
]


class _Handler(BaseHTTPRequestHandler):
    service: FakeWaTool

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else {}
        for method, pattern, op in ROUTES:
            match = pattern.match(parts.path)
            if method == self.command and match:
                params = {k: unquote(v) for k, v in match.groupdict().items()}
                params.update({k: v[0] for k, v in parse_qs(parts.query).items()})
                try:
                    self._reply(200, self.service.handle(op, params, body))
                except ServiceError as error:
                    self._reply(error.status, {"Message": error.message}, error.code)
                return
        self._reply(404, {"Message": f"no route {self.command} {parts.path}"}, "UnknownOperation")

    def _reply(self, status: int, data: dict[str, Any], error: str | None = None) -> None:
        text = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        if error:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(text)

    do_GET = _serve
    do_POST = _serve
    do_PATCH = _serve


@contextmanager
def running(service: FakeWaTool) -> Iterator[str]:
    """Serve `service` on 127.0.0.1 (a free port); yields the endpoint URL."""
    handler = type("Handler", (_Handler,), {"service": service})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
