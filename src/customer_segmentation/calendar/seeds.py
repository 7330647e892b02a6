"""Write the reference seeds (countries, country_aliases, occasion_calendar) as CSV.

Output is deterministic: rows sorted, booleans as ``true``/``false``, dates ISO, empty
field = NULL, UTF-8, ``\\n`` line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from datetime import date
from pathlib import Path

from .countries import Country, build_aliases, build_countries
from .occasions import YEARS, OccasionRow, build_occasion_calendar, calendar_countries

SEED_FILES: tuple[str, ...] = ("countries.csv", "country_aliases.csv", "occasion_calendar.csv")


@dataclass(frozen=True)
class SeedFile:
    name: str
    rows: int
    size_bytes: int


def format_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([format_value(v) for v in row] for row in rows)
    return buffer.getvalue()


def countries_csv(countries: list[Country]) -> str:
    header = [f.name for f in fields(Country)]
    return to_csv(header, (astuple(c) for c in sorted(countries, key=lambda c: c.country_code)))


def aliases_csv(aliases: dict[str, str]) -> str:
    return to_csv(["alias", "country_code"], sorted(aliases.items()))


def occasions_csv(rows: list[OccasionRow]) -> str:
    header = [f.name for f in fields(OccasionRow)]
    return to_csv(header, (astuple(r) for r in sorted(rows)))


def render_reference_seeds(
    years: tuple[int, ...] = YEARS, progress: Callable[[str], None] | None = None
) -> dict[str, str]:
    """File name -> CSV text of every reference seed."""
    countries = build_countries()
    aliases = build_aliases(countries)
    codes = calendar_countries(aliases)
    occasions = build_occasion_calendar(countries, codes, years, progress)
    return {
        "countries.csv": countries_csv(countries),
        "country_aliases.csv": aliases_csv(aliases),
        "occasion_calendar.csv": occasions_csv(occasions),
    }


def write_reference_seeds(
    out_dir: Path, progress: Callable[[str], None] | None = None
) -> list[SeedFile]:
    """Write the seeds into ``out_dir``; files are rewritten only when their bytes change."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_reference_seeds(progress=progress).items():
        data = text.encode("utf-8")
        path = out_dir / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(SeedFile(name, text.count("\n") - 1, len(data)))
    return written
