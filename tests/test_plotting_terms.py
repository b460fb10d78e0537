"""The dated trend figure: meetings at their dates, one line per group through one kind of text only."""

import matplotlib
import pandas as pd

from valduchesse.plotting.style import main_kind
from valduchesse.plotting.themes import plot_dated_trends

matplotlib.use("Agg")

# Test data written for these tests, not results.
TABLE = pd.DataFrame({
    "meeting_date": pd.to_datetime(["2016-02-01", "2017-10-16", "2018-06-11", "2021-11-22"] * 2),
    "kind": ["joint declaration", "joint communiqué", "joint declaration", "joint declaration"] * 2,
    "group": ["Justice"] * 4 + ["Attacks"] * 4,
    "per_1000": [0.0, 48.9, 3.9, 0.0, 11.2, 3.8, 7.7, 15.2],
})


def test_the_line_joins_the_declarations_only_and_the_communique_stands_apart():
    fig = plot_dated_trends(TABLE, "per_1000", "test")
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    justice = lines["Justice"]
    assert list(justice.get_ydata()) == [0.0, 3.9, 0.0]  # the communiqué's 48.9 is not on the line
    x = matplotlib.dates.date2num(pd.to_datetime(["2016-02-01", "2018-06-11", "2021-11-22"]))
    assert list(matplotlib.dates.date2num(justice.get_xdata())) == list(x)  # at their dates, not evenly spaced
    hollow = [c for c in ax.collections if len(c.get_offsets())]
    assert sorted(float(c.get_offsets()[0][1]) for c in hollow) == [3.8, 48.9]
    assert any("joint communiqué" in t.get_text() for t in ax.get_legend().get_texts())


def test_main_kind_is_the_kind_of_most_meetings():
    assert main_kind(TABLE) == "joint declaration"
    assert main_kind(TABLE[TABLE["kind"] == "joint communiqué"]) == "joint communiqué"
