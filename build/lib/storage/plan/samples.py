"""The three sample plans transcribed from the seed documents, for the demo and the tests.

Each organisation has a CSV in the e-PlanNACC layout and a JSON file with what the table
does not say (organisation, plan title and years, round, as-of date, reporter). Loading goes
through the same importer staff use, so the samples also exercise it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from storage import orgs
from storage.plan import importer as plan_import
from storage.plan import repo as plan_repo

SAMPLE_DIR = Path(__file__).parent / "sample_data"
SLUGS = ("khokphutsa", "satengnok", "khaothong")


@dataclass(frozen=True)
class SampleOrg:
    slug: str
    meta: dict

    @property
    def csv_path(self) -> Path:
        return SAMPLE_DIR / f"{self.slug}.csv"


def sample(slug: str) -> SampleOrg:
    meta = json.loads((SAMPLE_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    return SampleOrg(slug, meta)


def load_sample_plans(session: Session) -> None:
    """Create the sample organisations and their plans where missing; safe to call again."""
    for slug in SLUGS:
        load_sample_plan(session, slug)


def load_sample_plan(session: Session, slug: str) -> int:
    """One sample organisation and its plan; returns the organisation id."""
    meta = sample(slug).meta
    org = orgs.ensure(
        session,
        slug=slug,
        name=meta["name"],
        phone=meta.get("phone", ""),
        website=meta.get("website", ""),
        address=meta.get("address", ""),
    )
    assert org.id is not None
    if plan_repo.plan_for_year(session, org.id, meta["year_from"]) is not None:
        return org.id
    plan = plan_repo.ensure_plan(
        session,
        org.id,
        title=meta["plan_title"],
        year_from=meta["year_from"],
        year_to=meta["year_to"],
        dimension_names=meta["dimension_names"],
    )
    rows = plan_import.parse_rows(
        plan_import.read_lines(SAMPLE_DIR / f"{slug}.csv"), need_status=meta["report"] is not None
    )
    report = meta["report"]
    if report is None:  # a plan without progress reports: items and budgets of every year
        for year in range(plan.year_from, plan.year_to + 1):
            plan_import.import_rows(
                session, org.id, rows, fiscal_year=year, round=None, as_of=date.today()
            )
        return org.id
    plan_import.import_rows(
        session,
        org.id,
        rows,
        fiscal_year=report["fiscal_year"],
        round=report["round"],
        as_of=date.fromisoformat(report["as_of"]),
        reporter=report["reporter"],
    )
    return org.id
