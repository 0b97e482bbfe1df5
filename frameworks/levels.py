"""The common scale: Career Framework levels, and how Agenda for Change bands sit against them.

Social care and public health roles have no NHS band, so every role carries a Skills for Health
Career Framework level (1-9) instead; this is what lets a care worker sit beside a Band 2 healthcare
assistant. The band mapping below is the usual one-to-one shorthand (band 1 ~ level 1 ... band 7 ~
level 7, bands 8a-8c ~ level 8, band 8d and 9 ~ level 9). It is indicative, not an official table:
NHS Education for Scotland gives ranges (level 2 ~ band 2/3, level 3 ~ 3/4, level 4 ~ 4/5).
"""

from __future__ import annotations

AFC_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")

# Written here, after the shape of the Skills for Health Career Framework's nine levels.
CAREER_FRAMEWORK_LEVELS: dict[int, str] = {
    1: "Entry: follows simple instructions for a few routine tasks under direct supervision.",
    2: "Support: carries out routine tasks to set procedures, with supervision close at hand.",
    3: "Senior support: takes on a wider range of tasks, recognises when to escalate, supervision on call.",
    4: "Assistant or associate practitioner: plans and adapts work within procedures, makes judgements,"
    " may supervise others.",
    5: "Practitioner: accountable registered practitioner who assesses, plans, delivers and evaluates.",
    6: "Senior practitioner: handles complex situations, leads practice within a team or specialty.",
    7: "Advanced practitioner: leads practice across a service, with advanced autonomous judgement.",
    8: "Consultant practitioner: shapes practice and standards across organisations.",
    9: "Strategic leader: sets direction for a whole service or system.",
}

_BAND_LEVEL = {"8a": 8, "8b": 8, "8c": 8, "8d": 9, "9": 9}


def level_for_band(band: str) -> int:
    """The Career Framework level that usually corresponds to an Agenda for Change band."""
    band = str(band).lower()
    if band not in AFC_BANDS:
        raise ValueError(f"unknown Agenda for Change band {band!r}; expected one of {', '.join(AFC_BANDS)}")
    return _BAND_LEVEL.get(band, int(band) if band.isdigit() else 0)
