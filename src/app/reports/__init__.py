"""Official report tables computed from the commune's data (see table.py for the model).

source = load_source(session)
tables = workbook_tables(source)   # what the Excel workbook and the report PDF show
"""

from __future__ import annotations

from app.reports.cause_tables import causes
from app.reports.list_tables import detailed_list, final_list, posting_list
from app.reports.movement_tables import movements
from app.reports.source import ReportSource, load_source
from app.reports.summary_tables import (
    SummarySource,
    children,
    deprivation,
    ethnicity,
    results_by_village,
    target_groups,
)
from app.reports.table import ReportTable

__all__ = [
    "ReportSource",
    "ReportTable",
    "final_list",
    "load_source",
    "place_tables",
    "posting_list",
    "summary_tables",
    "workbook_tables",
]


def summary_tables(source: ReportSource) -> list[ReportTable]:
    """The summary report tables of a commune, in the order of the report set."""
    results, *analyses = place_tables(source)
    return [results, movements(source, "poor"), movements(source, "near_poor"), *analyses]


def place_tables(source: SummarySource) -> list[ReportTable]:
    """The summary tables that add up households by place, for a commune (a row per village)
    or for the receiving office (a row per commune); the movement tables need last year's
    lists, which only the commune holds."""
    return [
        results_by_village(source),
        deprivation(source, "poor", rates=False),
        deprivation(source, "poor", rates=True),
        deprivation(source, "near_poor", rates=False),
        deprivation(source, "near_poor", rates=True),
        target_groups(source),
        ethnicity(source),
        causes(source),
        children(source),
    ]


def workbook_tables(source: ReportSource) -> list[ReportTable]:
    """Every table of the Excel workbook: the summaries, then the detailed lists."""
    return [
        *summary_tables(source),
        detailed_list(source, "poor"),
        detailed_list(source, "near_poor"),
    ]
