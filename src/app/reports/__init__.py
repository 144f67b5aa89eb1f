"""Official report tables computed from the commune's data (see table.py for the model).

source = load_source(session)
tables = workbook_tables(source)   # what the Excel workbook and the report PDF show
"""

from __future__ import annotations

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
    "posting_list",
    "summary_tables",
    "workbook_tables",
]


def summary_tables(source: SummarySource) -> list[ReportTable]:
    """The summary report tables, in the order of the report set."""
    return [
        results_by_village(source),
        movements(source, "poor"),
        movements(source, "near_poor"),
        deprivation(source, "poor", rates=False),
        deprivation(source, "poor", rates=True),
        deprivation(source, "near_poor", rates=False),
        deprivation(source, "near_poor", rates=True),
        target_groups(source),
        ethnicity(source),
        children(source),
    ]


def workbook_tables(source: ReportSource) -> list[ReportTable]:
    """Every table of the Excel workbook: the summaries, then the detailed lists."""
    return [
        *summary_tables(source),
        detailed_list(source, "poor"),
        detailed_list(source, "near_poor"),
    ]
