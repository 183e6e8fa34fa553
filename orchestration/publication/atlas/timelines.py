"""The atlas's timelines: agreements by region and memberships, one line per spell holder,
coloured by status or organisation, over an axis of years."""

from __future__ import annotations

from collections import Counter

import altair as alt

from orchestration.publication.atlas.charts import (
    OKABE_ITO,
    ROW_STEP,
    WIDTH,
    line_axis,
    rows_height,
)
from orchestration.publication.atlas.drawing import (
    ROWS,
    Chart,
    Row,
    human,
    jsonable,
    plural,
    render,
)

STATUS_COLOURS = {
    "recommended": "#F0E442",
    "mandate_adopted": "#D55E00",
    "negotiating": "#E69F00",
    "signed": "#56B4E9",
    "concluded": "#CC79A7",
    "in_force": "#0072B2",
}
SHOWN_PER_PARTNER = 5  # agreements per partner the timeline query keeps
YEAR_LABEL_PX = 40  # room for a year label ("2024") and the space around it


def years(rows: list[Row], start: str, end: str, width: int) -> alt.Axis:
    """A time axis labelled with years only ("April October" said nothing), every year or
    every 2, 5, 10 years: as many labels as fit, none drawn and hidden (opacity 0)."""
    days = [row[key] for row in rows for key in (start, end) if row.get(key) is not None]
    span = (max(days).year - min(days).year + 1) if days else 1
    step = next((n for n in (1, 2, 5, 10, 20) if width * n / span >= YEAR_LABEL_PX), 50)
    return alt.Axis(format="%Y", tickCount={"interval": "year", "step": step})


def spells(rows: list[Row], start: str, end: str, what: str) -> alt.Chart:
    """One bar per row from `start` to `end`, over an axis of years."""
    return (
        alt.Chart(alt.NamedData(name=ROWS))
        .mark_bar(height=ROW_STEP - 4)
        .encode(
            x=alt.X(f"{start}:T", title=f"year ({what} from … to)",
                    axis=years(rows, start, end, WIDTH - 300)),
            x2=f"{end}:T",
        )
    )  # fmt: skip


def agreement_timeline(name: str, region: str, rows: list[Row]) -> Chart:
    """Status spells of every agreement of the partners of one region, one line per
    partner and agreement, labelled with its type and whether it allows personal data."""
    for row in rows:
        data = "personal data" if row["allows_personal_data"] else "no personal data"
        kind = human(row["agreement_type"])
        row["line"] = f"{row['partner_name']} · {kind} · {data}"
        row["status"] = human(row["spell_status"])
    lines = sorted({row["line"] for row in rows})
    partners = len({row["partner_id"] for row in rows})
    agreements = len({row["agreement_id"] for row in rows})
    in_force = len({row["agreement_id"] for row in rows if row["current_status"] == "in_force"})
    of_all = rows[0]["partners_in_region"] if rows else 0
    whose = plural(partners, "partner")
    if of_all > partners:  # the query keeps the partners with most agreements
        whose = f"the {partners} of {plural(of_all, 'partner')} with most agreements"
    if max((row["agreements_of_partner"] for row in rows), default=0) > SHOWN_PER_PARTNER:
        whose += f" (for each, its {SHOWN_PER_PARTNER} latest)"
    chart = Chart(
        name,
        f"Agreements over time: {region}",
        f"{plural(agreements, 'agreement')} of {whose} in {region}, one line per partner and "
        f"agreement, coloured by status over time; {in_force} "
        f"{'is' if in_force == 1 else 'are'} in force by the latest status.",
        ["partner_name", "agreement_name", "agreement_type", "allows_personal_data",
         "spell_status", "spell_from", "spell_to", "current_status"],
        rows,
    )  # fmt: skip
    spec = (
        spells(rows, "spell_from", "spell_to", "status")
        .encode(
            y=alt.Y(
                "line:N",
                title="partner · agreement type · personal data",
                sort=lines,
                axis=line_axis(lines),
            ),
            color=alt.Color(
                "status:N",
                title="status",
                scale=alt.Scale(
                    domain=[human(s) for s in STATUS_COLOURS], range=list(STATUS_COLOURS.values())
                ),
            ),
        )
        .properties(width=WIDTH - 300, height=rows_height(len(lines)))
    )
    return render(chart, spec, datasets={ROWS: jsonable(rows)})


def membership_timeline(rows: list[Row]) -> Chart:
    """Membership spells of the largest organisations, one line per organisation and member."""
    for row in rows:
        row["line"] = f"{row['organisation_name']} · {row['member_name']}"
    lines = [row["line"] for row in rows]
    organisations = Counter(row["organisation_name"] for row in rows if row["is_current"])
    chart = Chart(
        "memberships",
        "Membership of CLASI, AMERIPOL and other organisations over time",
        "One line per organisation and member, from joining to leaving (or today); current "
        "members: " + ", ".join(f"{org} {n}" for org, n in sorted(organisations.items())) + ".",
        ["organisation_name", "member_name", "membership_role", "valid_from", "valid_to"],
        rows,
    )
    spec = (
        spells(rows, "valid_from", "valid_to", "member")
        .encode(
            y=alt.Y("line:N", title="organisation · member", sort=lines, axis=line_axis(lines)),
            color=alt.Color(
                "organisation_name:N", title="organisation", scale=alt.Scale(range=OKABE_ITO)
            ),
        )
        .properties(width=WIDTH - 300, height=rows_height(len(lines)))
    )
    return render(chart, spec, datasets={ROWS: jsonable(rows)})
