"""The file formats, as typed models.

Each YAML file kind is one model here; `pathways schema KIND` prints the JSON Schema generated from
it, so the documented format and the checked format are the same thing. Ids inside a file are written
short; the loader qualifies them with the file's namespace (see FORMATS.md).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from frameworks.levels import AFC_BANDS
from frameworks.vocabulary import CHECKS, FAMILIES, SUPPLY_MEASURES

LOCAL_ID = r"^[a-z0-9][a-z0-9_.-]*$"
REFERENCE = r"^([a-z0-9][a-z0-9_.-]*:)?[a-z0-9][a-z0-9_.-]*$"
CORE_SECTORS = {
    "health": "Health (NHS and independent healthcare)",
    "social_care": "Social care (adult and children's)",
    "public_health": "Public health and community wellbeing",
}

PAY_LIMITS = {"year": 10_000_000, "month": 1_000_000, "week": 200_000, "hour": 10_000}  # GBP, generous
MAX_MONTHS = 600  # fifty years: anything longer is a typo


def _one_line(value: str) -> str:
    """Titles, labels and names are shown in tables and headings: a line break would garble them."""
    if "\n" in value or "\r" in value:
        raise ValueError("must be one line of text (no line breaks)")
    return value


LocalId = Annotated[
    str,
    StringConstraints(pattern=LOCAL_ID, max_length=120),
    Field(description="Lower-case id: letters, digits, '.', '-', '_'. Qualified with the namespace."),
]
Reference = Annotated[
    str,
    StringConstraints(pattern=REFERENCE, max_length=200),
    Field(description="An id, optionally qualified as 'namespace:id'."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_one_line)]
Band = Annotated[
    Literal[AFC_BANDS],  # type: ignore[valid-type]
    WithJsonSchema(
        {
            "anyOf": [{"enum": list(AFC_BANDS)}, {"type": "integer", "minimum": 1, "maximum": 9}],
            "description": "NHS Agenda for Change band: 1-9 or 8a-8d (numbers may be written unquoted).",
        }
    ),
]


class Model(BaseModel):
    """Base for every file model: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)  # no inf/nan numbers


class Source(Model):
    """Where facts came from: a public document, page or dataset."""

    title: Text
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    note: str | None = None


def _as_source_list(value: Any) -> Any:
    """Accept a plain string or a single mapping where a list of sources is expected."""
    if isinstance(value, str):
        return [{"title": value}]
    if isinstance(value, dict):
        return [value]
    return value


class Sourced(Model):
    source: list[Source] | None = Field(
        default=None, description="Sources of the facts; a string, one mapping or a list."
    )

    @field_validator("source", mode="before")
    @classmethod
    def _coerce_source(cls, value: Any) -> Any:
        return _as_source_list(value)


class NamespacedFile(Sourced):
    namespace: LocalId = Field(default="local", description="Qualifies every id in this file.")


class Competency(Model):
    """One competency: a statement of what a competent person does, in our own words."""

    id: LocalId
    label: Text = Field(description="A short plain label, e.g. 'Personal care'.")
    statement: Text = Field(description="One sentence describing the competent behaviour.")
    keywords: list[Text] = Field(default_factory=list, description="Alternative terms and synonyms.")
    distinct_from: list[Reference] = Field(
        default_factory=list,
        description="Related competencies that are nevertheless other skills: never matched as the same skill.",
    )


class Function(Model):
    id: LocalId
    name: Text
    competencies: list[Competency] = Field(min_length=1)


class Area(Model):
    id: LocalId
    name: Text
    functions: list[Function] = Field(min_length=1)


class FrameworkFile(NamespacedFile):
    """`kind: framework`: areas > functions > competencies, with a level scale."""

    kind: Literal["framework"]
    id: LocalId
    name: Text
    version: Text
    description: str | None = None
    levels: dict[int, Text] = Field(
        min_length=1, description="Every level of the scale (consecutive integers) and what it means."
    )
    areas: list[Area] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    @field_validator("levels")
    @classmethod
    def _consecutive_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        keys = sorted(levels)
        if keys != list(range(keys[0], keys[0] + len(keys))):
            raise ValueError(f"levels must be consecutive integers, got {keys}")
        return dict(sorted(levels.items()))


class Requirement(Model):
    competency: Reference
    level: int = Field(ge=1, description="Level needed, on the competency's framework scale.")
    essential: bool = True


class AnyOf(Model):
    """Alternatives: any one of these qualifications will do (a degree, a degree apprenticeship, a top-up...)."""

    any_of: list[Reference] = Field(min_length=2, description="Qualification ids; holding any one is enough.")
    note: str | None = None


def _item_kind(value: Any) -> str:
    return "<any_of>" if isinstance(value, (dict, AnyOf)) else "<id>"  # <tag>: left out of error locations


QualificationItem = Annotated[
    Annotated[Reference, Tag("<id>")] | Annotated[AnyOf, Tag("<any_of>")],
    Discriminator(_item_kind),  # a mapping is an any_of group, anything else an id: one error, not two
    Field(description="A qualification id, or {any_of: [ids]} for alternative routes."),
]


class QualificationNeeds(Model):
    required: list[QualificationItem] = Field(
        default_factory=list, description="Every item is needed; an item may be {any_of: [...]} alternatives."
    )
    desirable: list[Reference] = Field(default_factory=list)
    usually_held: list[Reference] = Field(
        default_factory=list,
        description="Desirable qualifications most people in the post hold though it does not require them (a band 3"
        " post's 'Level 3, or equivalent experience'): a route starting from the post takes them as held, while a"
        " move into the post does not ask for them. Each is also listed under desirable.",
    )


class Entry(Model):
    """What an employer checks before appointing, besides qualifications."""

    checks: list[Literal[tuple(CHECKS)]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Checks from a fixed list: " + ", ".join(CHECKS) + "."
    )
    experience_months: float = Field(
        default=0, ge=0, le=MAX_MONTHS, description="Experience (in care, usually) asked for before appointment."
    )
    note: str | None = None


class Pay(Model):
    """A typical pay range, with the basis it was taken from."""

    min: float = Field(ge=0)
    max: float = Field(ge=0)
    period: Literal["year", "month", "week", "hour"] = "year"
    currency: str = "GBP"
    basis: str | None = Field(default=None, description="e.g. 'NHS Agenda for Change 2025/26, band 3'")

    @model_validator(mode="after")
    def _ordered(self) -> Pay:
        if self.min > self.max:
            raise ValueError(f"pay min {self.min} is above max {self.max}")
        limit = PAY_LIMITS[self.period]
        if self.max > limit:
            amount = f"{self.max:,.0f}" if self.max < 1e12 else f"{self.max:.3g}"
            raise ValueError(f"pay {amount} a {self.period} is above the limit of {limit:,} a {self.period}")
        return self


class Role(Sourced):
    """A role profile: what the job needs, where it sits, and what it pays."""

    id: LocalId
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    sector: LocalId = Field(description="health, social_care, public_health or a declared sector.")
    settings: list[Text] = Field(default_factory=list)
    band: Band | None = Field(default=None, description="NHS Agenda for Change band, where the role has one.")
    level: int = Field(ge=1, le=9, description="Skills for Health Career Framework level, 1-9.")
    summary: str = ""
    requirements: list[Requirement] = Field(min_length=1)
    qualifications: QualificationNeeds = Field(default_factory=QualificationNeeds)
    pay: Pay | None = None
    family: LocalId | None = Field(
        default=None, description="Career family: " + ", ".join(FAMILIES) + ", or one the file declares."
    )
    builds_on: list[Reference] = Field(
        default_factory=list,
        description="Roles whose requirements this role includes (at the higher level; its own entries win).",
    )
    entry: Entry | None = Field(default=None, description="Checks and experience asked for on appointment.")
    top: str | None = Field(default=None, description="Why this role has no way onward here (a top role).")
    training_post: bool = Field(
        default=False,
        description="A post held while training for the next rung (trainee nursing associate): a move into it"
        " at the same level is a step up the ladder, not sideways.",
    )

    @field_validator("band", mode="before")
    @classmethod
    def _band_as_text(cls, value: Any) -> Any:
        return str(value).lower() if isinstance(value, (int, str)) and value != "" else value


class RolesFile(NamespacedFile):
    """`kind: roles`: role profiles, optionally declaring extra sectors."""

    kind: Literal["roles"]
    sectors: dict[LocalId, Text] = Field(default_factory=dict)
    families: dict[LocalId, Text] = Field(default_factory=dict, description="Extra career families, id: name.")
    roles: list[Role] = Field(min_length=1)


QUALIFICATION_KINDS = (
    "standard",  # a set of standards, not a regulated qualification (the Care Certificate): no RQF level
    "education",  # school and college entry points: GCSEs, A levels, T Levels, Access to HE
    "short_course",
    "certificate",
    "diploma",
    "apprenticeship",
    "degree_apprenticeship",
    "degree",
    "top_up",  # a shortened or top-up programme for people qualified at a lower rung
)


class Develops(Model):
    competency: Reference
    level: int = Field(ge=1, description="Level the qualification brings a learner to.")


class Qualification(Sourced):
    """A qualification, apprenticeship or course, and the competencies it develops."""

    id: LocalId
    title: Text
    kind: Literal[QUALIFICATION_KINDS]  # type: ignore[valid-type]
    code: str | None = Field(default=None, description="Standard or qualification number, e.g. ST0216.")
    rqf_level: int | None = Field(
        default=None, ge=1, le=8, description="Regulated Qualifications Framework level (none for a standard)."
    )
    months: float = Field(gt=0, le=MAX_MONTHS, description="Typical duration, start to finish, in months.")
    experience_months: float = Field(
        default=0, ge=0, le=MAX_MONTHS, description="Experience usually required before starting it."
    )
    prerequisites: list[QualificationItem] = Field(
        default_factory=list, description="Needed before starting; an item may be {any_of: [...]} alternatives."
    )
    counts_as: list[Reference] = Field(
        default_factory=list,
        description=(
            "Qualifications this one also meets wherever they are asked for: a nursing degree in one field counts"
            " as the nursing degree a role open to every field asks for (and not the other way round)."
        ),
    )
    note: str | None = None
    develops: list[Develops] = Field(default_factory=list)

    @model_validator(mode="after")
    def _level_unless_standard(self) -> Qualification:
        if self.rqf_level is None and self.kind != "standard":
            raise ValueError(f"a {self.kind} needs its rqf_level (only kind 'standard' has none)")
        return self


class QualificationsFile(NamespacedFile):
    kind: Literal["qualifications"]
    qualifications: list[Qualification] = Field(min_length=1)


class Progression(Sourced):
    """A known move from one role to another, and how people make it."""

    from_role: Reference = Field(alias="from")
    to_role: Reference = Field(alias="to")
    via: list[QualificationItem] = Field(
        default_factory=list, description="Qualifications the move needs; an item may be {any_of: [...]}."
    )
    months: float | None = Field(
        default=None,
        ge=0,
        le=MAX_MONTHS,
        description="Training time of the move: the months of its `via` qualifications (worked out when left out).",
    )
    experience_months: float = Field(
        default=0, ge=0, le=MAX_MONTHS, description="Experience in the from-role usually required first."
    )
    note: str | None = None


class ProgressionsFile(NamespacedFile):
    kind: Literal["progressions"]
    progressions: list[Progression] = Field(min_length=1)


class CsvRow(Model):
    """One row of the role-requirement CSV (the JSON Schema documents the columns)."""

    role_id: Reference
    role_title: Text
    sector: LocalId
    level: int = Field(ge=1, le=9)
    competency: Text = Field(description="A competency id, or free text for a new competency.")
    competency_level: int | None = Field(default=None, ge=1)
    essential: bool = True
    band: Band | None = None


class IdOrText(Model):
    """A competency given either by id or in someone's own words (matched to the library), never both."""

    competency: Reference | None = Field(default=None, description="A competency id, if known.")
    text: Text | None = Field(default=None, description="Own words, matched to the library's competencies.")

    @model_validator(mode="after")
    def _one_of(self) -> IdOrText:
        if (self.competency is None) == (self.text is None):
            raise ValueError("give either 'competency' (an id) or 'text' (your own words), not both or neither")
        return self


class HeldCompetency(IdOrText):
    """One thing a person can do."""

    level: int = Field(ge=1, le=9, description="Career Framework level at which they do it.")


class PassportFile(Model):
    """`kind: passport`: a person's skills passport, the starting point of their routes."""

    kind: Literal["passport"]
    name: str | None = Field(default=None, description="Whose passport (optional).")
    role: str | None = Field(default=None, description="Current role: id, title or alias (optional).")
    competencies: list[HeldCompetency] = Field(default_factory=list)
    qualifications: list[Reference] = Field(default_factory=list, description="Qualification ids held.")


class TeamNeed(IdOrText):
    """Something the service must be able to do, at a level, by enough people."""

    level: int = Field(ge=1, le=9, description="Career Framework level needed.")
    cover: int = Field(default=1, ge=1, description="How many people must be able to do it (shifts, leave).")


class SectorShare(Model):
    min: float = Field(default=0.0, ge=0, le=1)
    max: float = Field(default=1.0, ge=0, le=1)

    @model_validator(mode="after")
    def _min_below_max(self) -> SectorShare:
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self


HeadCount = Annotated[int, Field(ge=0)]


class TeamRules(Model):
    """Rules a team must keep, besides covering every need. Role names are checked against the library
    when the file is used (pathways.teams), since only the library knows them."""

    min_roles: dict[Reference, HeadCount] = Field(default_factory=dict, description="Roles that must be present.")
    max_roles: dict[Reference, HeadCount] = Field(default_factory=dict, description="Caps on roles.")
    exclude: list[Reference] = Field(default_factory=list, description="Roles not to use.")
    max_headcount: int | None = Field(default=None, ge=1)
    budget: float | None = Field(default=None, gt=0, description="Yearly pay budget (GBP).")
    sector_share: dict[LocalId, SectorShare] = Field(
        default_factory=dict, description="Share of the headcount per sector, e.g. social_care: {min: 0.3}."
    )

    @model_validator(mode="after")
    def _shares_fit(self) -> TeamRules:
        if sum(share.min for share in self.sector_share.values()) > 1 + 1e-9:
            raise ValueError("the sector_share minimums add up to more than the whole team")
        return self


class NeedsFile(NamespacedFile):
    """`kind: needs`: what an integrated team must be able to do (bundled ones are team templates)."""

    kind: Literal["needs"]
    id: LocalId
    title: Text
    description: str | None = None
    population: int | None = Field(default=None, ge=1, description="People the team serves, if known.")
    needs: list[TeamNeed] = Field(min_length=1)
    rules: TeamRules = Field(default_factory=TeamRules)


class TeamPerson(Model):
    """A named team member and what they can do beyond their role (their skills passport)."""

    name: Text
    competencies: list[HeldCompetency] = Field(default_factory=list)


class TeamMember(Model):
    """Posts in one role. Fewer people named than `count` is fine: the rest are unnamed posts (not yet
    named, or vacant but funded); more people named than `count` is an error."""

    role: str = Field(description="Role id, title or alias.")
    count: int = Field(default=1, ge=1, description="Posts in this role; default: as many as are named, or 1.")
    people: list[Text | TeamPerson] = Field(
        default_factory=list, description="Names, or {name, competencies} for people with extra skills."
    )

    @model_validator(mode="before")
    @classmethod
    def _count_named(cls, data: Any) -> Any:
        if isinstance(data, dict) and "count" not in data and isinstance(data.get("people"), list) and data["people"]:
            return {**data, "count": len(data["people"])}
        return data

    @model_validator(mode="after")
    def _not_more_people_than_posts(self) -> TeamMember:
        if len(self.people) > self.count:
            raise ValueError(f"{len(self.people)} people named but count is {self.count}")
        return self


class TeamFile(Model):
    """`kind: team`: an existing team to assess."""

    kind: Literal["team"]
    name: str | None = None
    members: list[TeamMember] = Field(min_length=1)


AS_OF = r"^(undated|\d{4}(/\d{2}|-\d{2}(-\d{2})?)?)$"


def _fraction(value: float) -> float:
    """Rates are fractions: a 9.9 written for 9.9% would otherwise pass as a rate of 990%."""
    if not 0 <= value <= 1:
        raise ValueError(f"{value:g} is not a rate from 0 to 1 (write 9.9% as 0.099)")
    return value


Rate = Annotated[
    float,
    AfterValidator(_fraction),
    Field(json_schema_extra={"minimum": 0, "maximum": 1}, description="A fraction from 0 to 1: 9.9% is 0.099."),
]


class SupplyArea(Model):
    """A place figures are for: England, a region, a county, an integrated care system."""

    name: Text
    type: Literal["country", "region", "county", "system", "place"] = "place"
    within: LocalId | None = Field(
        default=None, description="The larger area (its id): a figure missing here is taken from there."
    )


class StaffGroup(Model):
    """Roles one published figure stands for (staff groups, a whole sector, 'care workers')."""

    name: Text
    roles: list[Reference] = Field(default_factory=list, description="Role ids in the group.")
    families: list[LocalId] = Field(default_factory=list, description="Every role of these career families.")

    @model_validator(mode="after")
    def _not_empty(self) -> StaffGroup:
        if not self.roles and not self.families:
            raise ValueError("a staff group needs roles or families")
        return self


class MeanPay(Model):
    amount: float = Field(ge=0)
    period: Literal["year", "month", "week", "hour"] = "year"

    @model_validator(mode="after")
    def _sane(self) -> MeanPay:
        if self.amount > PAY_LIMITS[self.period]:
            raise ValueError(
                f"pay {self.amount:,.0f} a {self.period} is above the limit of {PAY_LIMITS[self.period]:,}"
            )
        return self


class SupplyFigure(Sourced):
    """Published figures for one role or staff group in one area, at one date."""

    area: LocalId
    role: Reference | None = None
    staff_group: LocalId | None = None
    as_of: str = Field(
        pattern=AS_OF, description="When the figures are for: 2022, 2021/22, 2023-02, 2023-02-13 or 'undated'."
    )
    headcount: int | None = Field(default=None, ge=0, description="People in post.")
    fte: float | None = Field(default=None, ge=0, description="Full-time equivalent staff in post.")
    vacancy_rate: Rate | None = None
    turnover_rate: Rate | None = Field(default=None, description="Leavers in a year as a fraction of staff in post.")
    leavers_staying_in_sector: Rate | None = None
    aged_55_plus: Rate | None = None
    mean_pay: MeanPay | None = None
    note: str | None = None

    @field_validator("as_of", mode="before")
    @classmethod
    def _year_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _one_subject_and_a_figure(self) -> SupplyFigure:
        if (self.role is None) == (self.staff_group is None):
            raise ValueError("a figure is for exactly one of 'role' or 'staff_group'")
        if all(getattr(self, m) is None for m in SUPPLY_MEASURES):
            raise ValueError("a figure needs at least one of " + ", ".join(SUPPLY_MEASURES))
        return self


class SupplyFile(NamespacedFile):
    """`kind: supply`: staff in post, vacancies and turnover per role or staff group and area, each dated
    and sourced. A later layer's figures for an area and subject replace the earlier layers' ones."""

    kind: Literal["supply"]
    areas: dict[LocalId, SupplyArea] = Field(default_factory=dict)
    staff_groups: dict[LocalId, StaffGroup] = Field(default_factory=dict)
    figures: list[SupplyFigure] = Field(default_factory=list)


class PipelineRole(Model):
    """One role's figures in a pipeline plan; each one left out comes from the library's supply figures."""

    headcount: int | None = Field(default=None, ge=0, le=10_000_000, description="People in post at the start.")
    establishment: float | None = Field(
        default=None, ge=0, le=10_000_000, description="Funded posts; default: headcount / (1 - vacancy rate)."
    )
    turnover_rate: Rate | None = Field(default=None, description="Leavers in a year as a fraction of staff in post.")
    vacancy_rate: Annotated[float, Field(ge=0, lt=1)] | None = Field(
        default=None, description="Vacant posts as a fraction of the establishment (below 1)."
    )
    recruits: int | None = Field(
        default=None, ge=0, le=10_000_000, description="People recruited a year; default: as many as leave."
    )

    @model_validator(mode="after")
    def _one_way_to_the_establishment(self) -> PipelineRole:
        if self.establishment is not None and self.vacancy_rate is not None:
            raise ValueError(
                "give establishment or vacancy_rate, not both: the vacancy rate only sets the establishment"
            )
        return self


class PipelineFlow(Model):
    """A progression route the plan funds: `places` people a year start training from one role for another."""

    from_role: str = Field(alias="from", description="Role id, title or alias the trainees come from.")
    to: str = Field(description="Role id, title or alias they qualify into.")
    via: list[str] = Field(
        default_factory=list,
        description="Training posts held on the way (e.g. trainee nursing associate): months then default to "
        "the library's links from -> via -> to.",
    )
    places: int = Field(ge=0, le=1_000_000, description="Trainees starting each year.")
    months: float | None = Field(
        default=None, ge=0, le=MAX_MONTHS, description="Training time; default: the library's link (or links)."
    )
    attrition: Rate = Field(default=0.0, description="Share of starters who do not complete.")
    cost: float | None = Field(default=None, ge=0, le=10_000_000, description="GBP per trainee per year in training.")
    first_year: int | None = Field(default=None, ge=1, le=50, description="First plan year places start (default 1).")
    last_year: int | None = Field(default=None, ge=1, le=50, description="Last plan year places start (default: all).")
    backfill: bool = Field(default=False, description="Recruit extra people to the from-role to replace the movers.")

    @model_validator(mode="after")
    def _years_in_order(self) -> PipelineFlow:
        if self.first_year is not None and self.last_year is not None and self.last_year < self.first_year:
            raise ValueError(f"last_year {self.last_year} is before first_year {self.first_year}")
        return self


class PipelineUncertainty(Model):
    """How uncertain the rates are: each Monte Carlo run draws every role's turnover rate (and every flow's
    attrition) once, as rate x (1 + spread x a standard normal draw), kept within 0-1."""

    turnover: float = Field(default=0.0, ge=0, le=1, description="Relative spread of turnover rates (0.2: +-20%).")
    attrition: float = Field(default=0.0, ge=0, le=1, description="Relative spread of training attrition.")
    runs: int = Field(default=1000, ge=1, le=100_000, description="Monte Carlo runs (--runs overrides).")
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Random seed (--seed overrides).")


def _plan_roles_kind(value: Any) -> str:
    return "<each>" if isinstance(value, dict) else "<all>"  # <tag>: left out of error locations


class PipelinePlan(Model):
    """`kind: pipeline`: a stock-flow projection of headcount per role under turnover, recruitment and the
    training routes a plan funds (`pathways pipeline PLAN`)."""

    kind: Literal["pipeline"]
    name: Text | None = None
    area: str | None = Field(default=None, description="Area id or name the figures are for (--area overrides).")
    years: int = Field(default=5, ge=1, le=50, description="Years to project (--years overrides).")
    roles: Annotated[
        Annotated[dict[str, PipelineRole], Tag("<each>")] | Annotated[Literal["all"], Tag("<all>")],
        Discriminator(_plan_roles_kind),
    ] = Field(
        default_factory=dict,
        description="Role name -> figures that override the library's; 'all' for every role with a headcount.",
    )
    flows: list[PipelineFlow] = Field(default_factory=list)
    uncertainty: PipelineUncertainty | None = Field(
        default=None, description="Spreads of the rates: the projection is then a seeded Monte Carlo run."
    )


FILE_MODELS: dict[str, type[Model]] = {
    "framework": FrameworkFile,
    "roles": RolesFile,
    "qualifications": QualificationsFile,
    "progressions": ProgressionsFile,
    "needs": NeedsFile,
    "supply": SupplyFile,
}
SCHEMA_KINDS: dict[str, type[Model]] = {
    **FILE_MODELS,
    "role-csv": CsvRow,
    "passport": PassportFile,
    "team": TeamFile,
    "pipeline": PipelinePlan,
}
