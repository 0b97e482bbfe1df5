"""Reading form fields and query parameters the way the CLI reads its options.

The CLI's option types (click.Choice of bands, IntRange of levels, the known sectors) refuse bad values
before the library is asked; these do the same for the page, with the same wording where the CLI has one,
and name the field so the page can show the message next to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from frameworks.levels import AFC_BANDS
from web.errors import BadInput

MAX_TEXT = 200  # a name or a search longer than this is not a name


def text(params: Mapping[str, str], name: str, *, required: bool = False, label: str | None = None) -> str | None:
    """A trimmed text field; None when empty (BadInput when required)."""
    value = str(params.get(name, "") or "").strip()
    if len(value) > MAX_TEXT:
        raise BadInput(f"{label or name} is too long (at most {MAX_TEXT} characters)", name)
    if not value:
        if required:
            raise BadInput(f"enter {label or name}", name)
        return None
    return value


def band(params: Mapping[str, str], name: str = "band") -> str | None:
    value = text(params, name)
    if value is None:
        return None
    if value.lower() not in AFC_BANDS:
        raise BadInput(f"'{value}' is not an Agenda for Change band; choose one of {', '.join(AFC_BANDS)}", name)
    return value.lower()


def integer(params: Mapping[str, str], name: str, low: int, high: int, default: int | None = None) -> int | None:
    value = text(params, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadInput(f"'{value}' is not a whole number", name) from None
    if not low <= number <= high:
        raise BadInput(f"{name} must be from {low} to {high}", name)
    return number


def fraction(
    params: Mapping[str, str], name: str, default: float | None, label: str | None = None, *, closed: bool = False
) -> float | None:
    """A number strictly between 0 and 1 (as the CLI's FloatRange(0, 1, open)), or from 0 to 1 inclusive when
    `closed` (a plan's spreads); "90%" is read as 0.9; `default` when empty."""
    value = text(params, name, label=label)
    if value is None:
        return default
    try:
        number = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise BadInput(f"{label + ': ' if label and closed else ''}'{value}' is not a number", name) from None
    if closed and not 0 <= number <= 1:
        raise BadInput(
            f"{label or name} must be from 0 to 1, or 0% to 100% (for example 0.2 or 20%), not {value}", name
        )
    if not closed and not 0 < number < 1:
        raise BadInput(f"{label or name} must be above 0 and below 1 (for example 0.9), not {value}", name)
    return number


def sector(
    params: Mapping[str, str], known: Sequence[str], name: str = "sector", also: Sequence[str] = ()
) -> str | None:
    """A sector the library declares (or one of `also`, such as "any"), as the CLI's check_sector."""
    value = text(params, name)
    if value is None or value in known or value in also:
        return value
    return _unknown_sector(value, [*known, *also], name)


def _unknown_sector(value: str, choices: list[str], name: str) -> str:
    from rapidfuzz import process

    near = process.extractOne(value, choices)
    hint = f" Did you mean '{near[0]}'?" if near and near[1] >= 60 else ""
    raise BadInput(f"unknown sector '{value}'; known: {', '.join(sorted(choices))}.{hint}", name)


def chosen_template(options: list[tuple[str, str]], given: str | None) -> str | None:
    """The option a template named in the address means: its id as given, or without its namespace
    (`integrated-neighbourhood-team` for `hsc:integrated-neighbourhood-team`), so the form shows it chosen."""
    for value, _ in options:
        if given and (value == given or value.split(":", 1)[-1] == given):
            return value
    return given
