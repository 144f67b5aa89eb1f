"""Chart labels are drawn whole: on one line when there is room (the overview at 1366×768), wrapped
onto more lines in a narrow window, never cut to "Cảnh báo chưa xác nh…"."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFontMetrics
from pytestqt.qtbot import QtBot

from ui.charts import BAR_HEIGHT, WRAP, Bar, HorizontalBars, Stack, StackedBars
from ui.main_window import MainWindow

LONG = "Phương tiện phục vụ tiếp cận thông tin"


def _fits(chart: HorizontalBars | StackedBars, labels: list[str], width: int) -> list[int]:
    """Each label's box holds the whole wrapped label; returns the boxes' heights."""
    metrics = QFontMetrics(chart.font())
    heights = []
    for label, box in zip(labels, chart.rows(width), strict=True):
        needed = metrics.boundingRect(box, int(WRAP), label)
        assert box.contains(needed), label
        heights.append(box.height())
    return heights


def test_a_long_label_wraps_in_a_narrow_chart_and_the_chart_grows(qtbot: QtBot) -> None:
    chart = HorizontalBars()
    qtbot.addWidget(chart)
    labels = ["Việc làm", LONG, "Cảnh báo chưa xác nhận"]
    chart.set_bars([Bar(t, 0.3, "17,0 % (339)", QColor("#c2410c")) for t in labels])
    chart.resize(700, 100)
    chart.show()
    wide = _fits(chart, labels, 700)
    assert wide == [BAR_HEIGHT] * 3 and chart.height() == chart.height_for(700)
    narrow = _fits(chart, labels, 260)
    assert narrow[1] > BAR_HEIGHT and narrow[0] == BAR_HEIGHT
    chart.resize(260, chart.height())
    qtbot.waitUntil(lambda: chart.height() == chart.height_for(260))
    assert chart.height_for(260) > chart.height_for(700)


def test_village_names_wrap_too(qtbot: QtBot) -> None:
    legend = [("Hộ nghèo", QColor("#b3261e")), ("Hộ không nghèo", QColor("#15803d"))]
    chart = StackedBars(legend, lambda n: f"{n} hộ")
    qtbot.addWidget(chart)
    names = ["Thôn 1", "Tổ dân phố Tân Lập Hòa Bình số 12"]
    chart.set_stacks([Stack(n, (3, 7)) for n in names])
    assert _fits(chart, names, 700) == [BAR_HEIGHT, BAR_HEIGHT]
    assert _fits(chart, names, 300)[1] > BAR_HEIGHT


def test_the_overview_labels_are_whole_on_one_line_at_1366x768(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    main_window.resize(1366, 768)
    main_window.show_overview()
    page = main_window.overview_page
    for chart in (page.progress, page.deprivations):
        labels = [b.label for b in chart.bars]
        assert "Cảnh báo chưa xác nhận" in labels or LONG in labels
        assert _fits(chart, labels, chart.width()) == [BAR_HEIGHT] * len(labels)
