"""The report as Markdown and as one self-contained HTML page (plots inline, no network).

Every page states that this is a teaching model, not for clinical decisions, the model
version and commit, the seed and the number of patients the values rest on.
"""

from __future__ import annotations

import html as _html
from typing import TYPE_CHECKING

from .._meta import DISCLAIMER
from ..references import BIBLIOGRAPHY, full, keys_in
from .targets import AMBER, GREEN, NOT_MEASURED, RED

if TYPE_CHECKING:
    from .report import Report, Result

__all__ = ["value_text", "ci_text", "meta_text", "summary_text", "markdown", "html",
           "text_table", "cited_keys", "LEGEND", "PLOTS", "SCOPE"]

SCOPE = ("It shows how far the simulated patients reproduce published findings about MMN; "
         "it says nothing about any real patient.")

LEGEND = (f"{GREEN}: inside the published range and within 10% of the published point value "
          "(inside the range is enough when there is no point value); "
          f"{AMBER}: inside the range only; {RED}: outside the range (or no benefit where one "
          f"is expected); {NOT_MEASURED}: the model lacks the feature the target needs.")
# (target id carrying the curve, figure builder name, title)
PLOTS = (("ivig.half_day", "wear_off_figure", "Wear-off after one course"),
         ("withdrawal.grip_stopped", "withdrawal_figure", "Withdrawal"),
         ("dose.share_1_6", "dose_response_figure", "Dose-response"))
_BADGE = {GREEN: "🟢", AMBER: "🟠", RED: "🔴", NOT_MEASURED: "⚪"}


def _num(x: float) -> str:
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}"


def value_text(r: Result) -> str:
    """The model's value in words: a number with its unit, 'holds', or why there is none."""
    m, t = r.measurement, r.target
    if m.value is None:
        return "none" if m.failed else "not measured"
    if t.binary:
        return "holds" if m.value >= 1 else "does not hold"
    return f"{_num(m.value)} {t.unit}".rstrip()


def ci_text(r: Result) -> str:
    ci = r.measurement.ci
    return "" if ci is None or r.target.binary else f"{_num(ci[0])} to {_num(ci[1])}"


def meta_text(report: Report) -> str:
    p = report.provenance
    commit = (p.get("git_commit") or "unknown")[:10]
    return (f"mmn-sim {p.get('package_version', '?')}, commit {commit}; n = {report.n} "
            f"patients per reference cohort (see each target's n), seed {report.seed}; "
            f"computed {p.get('created_utc', '?')} in {p.get('seconds', '?')} s.")


def summary_text(report: Report) -> str:
    """Counts of the published targets; the working values are named apart, not counted."""
    c, w = report.counts(), report.working_counts()
    text = (f"{c[GREEN]} green, {c[AMBER]} amber, {c[RED]} red, {c[NOT_MEASURED]} not measured "
            f"(of {len(report.published())} published targets)")
    if report.working():
        text += (f"; {len(report.working())} working values of this model (approx.) listed "
                 f"apart and not counted: {w[GREEN]} green, {w[AMBER]} amber, {w[RED]} red")
    return text


def _note(r: Result) -> str:
    m = r.measurement
    return "; ".join(x for x in (m.detail, m.reason) if x)


def cited_keys(sources: list[str]) -> list[str]:
    """The bibliography keys the given target sources cite, sorted (unknown keys left out)."""
    keys = {k for src in sources for k in keys_in(src)}
    return sorted((k for k in keys if k in BIBLIOGRAPHY), key=str.lower)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: Report) -> str:
    lines = [
        "# MMN teaching simulator: validation report", "",
        f"> **{DISCLAIMER}** This report is part of a teaching model and must not guide any "
        f"clinical decision. {SCOPE}", "",
        f"Model: {meta_text(report)}", "",
        f"**Summary:** {summary_text(report)}.", "",
        f"Colours: {LEGEND}", "",
    ]
    for group, results in report.by_group().items():
        lines += [f"## {group}", "",
                  "| Target | Source | Published | Model | 95% CI | n | Status | Note |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in results:
            cells = [f"{r.target.title} (`{r.target.id}`)", r.target.source,
                     r.target.range_text, value_text(r), ci_text(r), str(r.measurement.n),
                     f"{_BADGE[r.status]} {r.status}", _note(r)]
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        lines.append("")
    lines += ["## How each target is measured", ""]
    for r in report.results:
        lines.append(f"- **{r.target.id}** ({r.target.title}): {r.target.how} Reference "
                     f"cohort: {', '.join(r.target.cohorts) or 'see text'}.")
    lines += ["", "## Reference cohorts", "",
              "Every cohort is drawn by the population sampler with the same root seed, so "
              "patient *i* is the same person in each (common random numbers). Re-run one with "
              "`mmn-sim cohort FILE --n N --seed S`.", "", "| Cohort | Scenario and patients |",
              "|---|---|"]
    lines += [f"| {k} | {_md_cell(d)} |" for k, d in report.cohorts]
    lines += ["", "## References", "", "The sources the targets above cite:", ""]
    lines += [f"- **{k}**: {full(k)}" for k in cited_keys([r.target.source
                                                            for r in report.results])]
    lines += ["", f"*{DISCLAIMER}*", ""]
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#222;line-height:1.45}
.disclaimer{background:#fff4e0;border-left:6px solid #E69F00;padding:.6rem 1rem;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.num{white-space:nowrap}
.status{font-weight:700;color:#fff;white-space:nowrap;text-align:center}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;color:#fff;font-weight:700}
.note{color:#555;font-size:.85rem}code{font-size:.85rem}
"""


def _esc(text: object) -> str:
    return _html.escape(str(text))


def _status_cell(status: str) -> str:
    from ..figures.validation import STATUS_COLOURS

    return (f'<td class="status" style="background:{STATUS_COLOURS[status]}">'
            f"{_esc(status)}</td>")


def _badges(report: Report) -> str:
    from ..figures.validation import STATUS_COLOURS

    return " ".join(f'<span class="badge" style="background:{STATUS_COLOURS[s]}">{k} {_esc(s)}'
                    "</span>" for s, k in report.counts().items())


def _table(results: list[Result]) -> str:
    head = ("<tr><th>Target</th><th>Source</th><th>Published</th><th>Model</th>"
            "<th>95% CI</th><th>n</th><th>Status</th><th>Note</th></tr>")
    rows = []
    for r in results:
        rows.append(
            f"<tr><td>{_esc(r.target.title)}<br><code>{_esc(r.target.id)}</code></td>"
            f"<td>{_esc(r.target.source)}</td><td>{_esc(r.target.range_text)}</td>"
            f'<td class="num">{_esc(value_text(r))}</td><td class="num">{_esc(ci_text(r))}</td>'
            f'<td class="num">{r.measurement.n}</td>{_status_cell(r.status)}'
            f'<td class="note">{_esc(_note(r))}</td></tr>')
    return f"<table>{head}{''.join(rows)}</table>"


def _plots(report: Report) -> str:
    from ..figures import validation as vf

    parts, first = [], True
    for target_id, builder, title in PLOTS:
        curve = report.curve(target_id)
        if curve is None:
            parts.append(f"<h3>{_esc(title)}</h3><p>No data: {_esc(target_id)} was not "
                         "measured.</p>")
            continue
        fig = getattr(vf, builder)(curve)
        parts.append(f"<h3>{_esc(title)}</h3>" + fig.to_html(
            full_html=False, include_plotlyjs=first, div_id=f"plot-{builder}",
            config={"displaylogo": False, "responsive": True}))
        first = False
    return "".join(parts)


def html(report: Report) -> str:
    """One self-contained page: plotly's JavaScript is inlined once, nothing is fetched."""
    body = [
        f'<p class="disclaimer">{_esc(DISCLAIMER)} This report is part of a teaching model and '
        f"must not guide any clinical decision. {_esc(SCOPE)}</p>",
        "<h1>MMN teaching simulator: validation report</h1>",
        f"<p>Model: {_esc(meta_text(report))}</p>",
        f"<p><strong>Summary:</strong> {_esc(summary_text(report))}. {_badges(report)}</p>",
        f"<p class='note'>Colours: {_esc(LEGEND)}</p>",
    ]
    for group, results in report.by_group().items():
        body += [f"<h2>{_esc(group)}</h2>", _table(results)]
    body += ["<h2>Plots</h2>", _plots(report), "<h2>How each target is measured</h2><dl>"]
    body += [f"<dt><code>{_esc(r.target.id)}</code> {_esc(r.target.title)}</dt><dd>"
             f"{_esc(r.target.how)} Reference cohort: {_esc(', '.join(r.target.cohorts))}.</dd>"
             for r in report.results]
    body += ["</dl><h2>Reference cohorts</h2><table><tr><th>Cohort</th><th>Scenario and "
             "patients</th></tr>"]
    body += [f"<tr><td>{_esc(k)}</td><td>{_esc(d)}</td></tr>" for k, d in report.cohorts]
    body += ["</table><h2>References</h2><p>The sources the targets above cite:</p><ul>"]
    body += [f"<li><strong>{_esc(k)}</strong>: {_esc(full(k))}</li>"
             for k in cited_keys([r.target.source for r in report.results])]
    body += [f'</ul><p class="disclaimer">{_esc(DISCLAIMER)}</p>']
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>MMN simulator validation report (teaching model)</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")


def text_table(report: Report) -> str:
    """The command line's summary: counts, then one line per target."""
    rows = [("STATUS", "TARGET", "MODEL (95% CI)", "N", "PUBLISHED")]
    for r in report.results:
        ci = ci_text(r)
        model = f"{value_text(r)} ({ci})" if ci else value_text(r)
        rows.append((r.status, r.target.id, model, str(r.measurement.n), r.target.range_text))
    widths = [max(len(row[k]) for row in rows) for k in range(4)]
    lines = [f"Validation: {meta_text(report)}", f"Summary: {summary_text(report)}.", ""]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
              for row in rows]
    return "\n".join(lines) + "\n\n"
