"""`pillar questions`: the question bank in the terminal, or as JSON."""

from __future__ import annotations

import json
from typing import Any

import click

RISK_STYLE = {"High": "bold white on red", "Medium": "black on yellow", "Low": "black on cyan"}


def bank_json(risk: str | None = None, area: str | None = None) -> dict[str, Any]:
    """The bank as the documented JSON shape (filters applied)."""
    from questions import security_pillar

    pillar = security_pillar()
    questions: list[dict[str, Any]] = []
    for question in _selected_questions(area):
        bps = [bp for bp in question.best_practices if risk is None or bp.risk.value == risk]
        if not bps:
            continue
        questions.append(
            {
                "id": question.id,
                "wa_question_id": question.wa_question_id,
                "none_choice_id": question.none_choice_id,
                "area": question.area,
                "classic_area": question.classic_area.value if question.classic_area else None,
                "title": question.title,
                "why_it_matters": question.why_it_matters,
                "prompts": list(question.prompts),
                "source": question.source,
                "best_practices": [
                    {
                        "id": bp.id,
                        "choice_id": bp.choice_id,
                        "title": bp.title,
                        "risk": bp.risk.value,
                        "risk_source": bp.risk_source,
                        "risk_verified": bp.risk_verified,
                        "effort": bp.effort.value,
                        "evidence_role": bp.evidence_role.value,
                        "description": bp.description,
                        "evidence": list(bp.evidence),
                        "steps": list(bp.steps),
                        "links": list(bp.links),
                    }
                    for bp in bps
                ],
            }
        )
    return {
        "pillar": pillar.name,
        "revision": pillar.revision,
        "revision_note": pillar.revision_note,
        "source": pillar.source,
        "questions": questions,
    }


def _selected_questions(area: str | None) -> list[Any]:
    from questions import security_pillar

    pillar = security_pillar()
    if area is None:
        return list(pillar.questions)
    wanted = area.casefold()
    matches = [
        a
        for a in pillar.areas
        if wanted in a.name.casefold()
        or any(
            q.classic_area is not None and wanted in q.classic_area.value.casefold()
            for q in a.questions
        )
    ]
    if not matches:
        names = ", ".join(a.name for a in pillar.areas)
        raise click.BadParameter(
            f"no area matches {area!r}; areas are: {names}", param_hint="--area"
        )
    return [q for a in matches for q in a.questions]


@click.command()
@click.option("--area", help="Only questions of areas whose name contains this text.")
@click.option(
    "--risk",
    type=click.Choice(["High", "Medium", "Low"], case_sensitive=False),
    help="Only best practices with this risk level.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the bank as JSON (see README).")
@click.option("--details", is_flag=True, help="Also print descriptions, steps and links.")
def questions(area: str | None, risk: str | None, as_json: bool, details: bool) -> None:
    """Show the Security Pillar question bank: areas, questions, best practices."""
    risk = risk.capitalize() if risk else None
    data = bank_json(risk=risk, area=area)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_bank(data, details)


def _print_bank(data: dict[str, Any], details: bool) -> None:
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    console = Console()
    root = Tree(Text.assemble((data["pillar"], "bold"), f" · revision {data['revision']}"))
    areas: dict[str, Tree] = {}
    total = 0
    for question in data["questions"]:
        area = areas.get(question["area"])
        if area is None:
            area = areas[question["area"]] = root.add(Text(question["area"], style="bold cyan"))
        node = area.add(Text.assemble((question["id"], "bold"), "  ", question["title"]))
        for bp in question["best_practices"]:
            total += 1
            label = Text.assemble(
                (f" {bp['risk'].upper():<6} ", RISK_STYLE[bp["risk"]]),
                " ",
                (bp["id"], "bold"),
                "  ",
                bp["title"],
                (f"  effort {bp['effort']}", "dim"),
            )
            leaf = node.add(label)
            if details:
                leaf.add(Text(bp["description"]))
                steps = leaf.add(Text("Steps", style="italic"))
                for step in bp["steps"]:
                    steps.add(Text(step))
                for link in bp["links"]:
                    leaf.add(Text(link, style="underline"))
    console.print(root)
    console.print(
        Text(f"{len(data['questions'])} questions, {total} best practices shown.", style="dim")
    )
