"""Quantities as people write them: "175B", "1.4T", "3.64e3 PF-days", "1.3M GPU-hours".

One parser for every number a user types (scenario YAML, catalog YAML, command line). A value is a
plain number or a string ``<number>[<suffix>][ <unit>]``:

- suffixes multiply by powers of ten: k/K = 1e3, M = 1e6, B/G = 1e9, T = 1e12, P = 1e15;
- units name what is counted and convert to the field's canonical unit. Compute converts between
  FLOPs and petaFLOP/s-days with 1 PF/s-day = 1e15 FLOP/s x 86,400 s = 8.64e19 FLOPs
  (Kaplan et al. 2020, arXiv:2001.08361, s1.3; Brown et al. 2020, arXiv:2005.14165, App. D).

Anything else ("1.4 TT", "70 BB", "-5B", "NaN", "1e400") is an :class:`~llmplan.errors.InputError`.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Final, Literal

from llmplan.core.compute import FLOPS_PER_PF_DAY
from llmplan.core.errors import InputError, Where

SUFFIXES: Final = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12, "P": 1e15}

Kind = Literal["count", "flops", "pf_days", "gpu_hours", "usd", "days", "number"]

# unit spelling (lower-cased, spaces removed) -> (kind it measures, factor to the kind's canonical unit)
_UNITS: Final[dict[str, tuple[str, float]]] = {
    "": ("", 1.0),
    "params": ("count", 1.0),
    "parameters": ("count", 1.0),
    "tokens": ("count", 1.0),
    "flop": ("flops", 1.0),
    "flops": ("flops", 1.0),
    "pf-days": ("pf_days", 1.0),
    "pf-day": ("pf_days", 1.0),
    "pf_days": ("pf_days", 1.0),
    "pfs-days": ("pf_days", 1.0),
    "pf/s-days": ("pf_days", 1.0),
    "pf/s-day": ("pf_days", 1.0),
    "petaflop/s-days": ("pf_days", 1.0),
    "petaflop/s-day": ("pf_days", 1.0),
    "gpu-hours": ("gpu_hours", 1.0),
    "gpu-hour": ("gpu_hours", 1.0),
    "gpu_hours": ("gpu_hours", 1.0),
    "gpuh": ("gpu_hours", 1.0),
    "chip-hours": ("gpu_hours", 1.0),
    "accelerator-hours": ("gpu_hours", 1.0),
    "usd": ("usd", 1.0),
    "$": ("usd", 1.0),
    "days": ("days", 1.0),
    "day": ("days", 1.0),
}

# Kinds that may be written in the units of another kind, with the factor to convert.
_CONVERT: Final[dict[tuple[str, str], float]] = {
    ("pf_days", "flops"): FLOPS_PER_PF_DAY,
    ("flops", "pf_days"): 1.0 / FLOPS_PER_PF_DAY,
}

_NUMBER: Final = re.compile(
    r"""^\s*
    (?P<num>[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*)(?:\.[0-9]*)?|\.[0-9]+)
            (?:[eE][+-]?[0-9]+)?)
    \s*(?P<suffix>[kKMBGTP](?![A-Za-z]))?
    \s*(?P<unit>.*?)\s*$""",
    re.VERBOSE,
)

_EXPECTED: Final[dict[str, str]] = {
    "count": 'a positive number such as 70e9, "70B" or "1.4T"',
    "flops": 'a positive number of FLOPs such as 5.76e23, or "3640 PF-days"',
    "pf_days": 'a positive number of petaFLOP/s-days such as 3640, or "3.14e23 FLOPs"',
    "gpu_hours": 'a positive number of GPU-hours such as 1.3e6 or "1.3M"',
    "usd": 'a positive amount in US dollars such as 5e6 or "5M"',
    "days": "a positive number of days",
    "number": "a positive number",
}


def parse_quantity(
    value: object,
    where: Where | str,
    *,
    kind: Kind = "count",
    allow_zero: bool = False,
    at_least: float | None = None,
    at_most: float | None = None,
    expected: str | None = None,
) -> float:
    """Parse a user-written quantity into a float in the canonical unit of ``kind``.

    Parameters
    ----------
    value
        A number, or a string such as ``"70B"``, ``"1.4T"``, ``"3.64e3 PF-days"``.
    where
        Where the value came from, for the error message.
    kind
        What the value measures; decides which units are accepted and the unit returned
        (``flops`` for FLOPs, ``pf_days`` for PF/s-days, ``gpu_hours``, ``usd``, ``days``,
        ``count`` for parameters and tokens, ``number`` for a plain positive number).
    allow_zero
        Accept exactly zero (for optional amounts such as inference tokens).
    at_least, at_most
        Bounds of a sensible value, in the canonical unit; outside them is an error that names
        the bound.
    expected
        What the message says was expected (default: the kind's description).

    Returns
    -------
    float
        The value, finite and positive (or zero if ``allow_zero``).

    Raises
    ------
    InputError
        For anything that is not such a quantity.
    """
    where = where if isinstance(where, Where) else Where(where)
    expected = expected or _EXPECTED[kind]
    if isinstance(value, bool) or value is None:
        raise InputError(where, f"found {value!r}", expected=expected)
    if isinstance(value, numbers.Real):  # int, float and numpy scalars; bool is refused above
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    elif isinstance(value, str):
        number = _parse_string(value, where, kind, expected)
    else:
        raise InputError(where, f"found {type(value).__name__} {value!r}", expected=expected)
    shown = _short(value)
    if not math.isfinite(number):
        raise InputError(where, f"found {shown}, which is not a finite number", expected=expected)
    if number < 0:
        raise InputError(where, f"found {shown}, which is negative", expected=expected)
    if number == 0 and not allow_zero:
        raise InputError(where, f"found {shown}, which is zero", expected=expected)
    if number and at_least is not None and number < at_least:
        raise InputError(
            where,
            f"found {shown}, which is below {_bound(at_least)}",
            expected=f"{expected} (at least {_bound(at_least)})",
        )
    if at_most is not None and number > at_most:
        raise InputError(
            where,
            f"found {shown}, which is above {_bound(at_most)}",
            expected=f"{expected} (at most {_bound(at_most)})",
        )
    return number


def _bound(value: float) -> str:
    """1e+32 -> '1e32', 10000000.0 -> '10,000,000', 0.01 -> '0.01'."""
    if value >= 1e9 or (0 < value < 1e-3):
        return f"{value:.3g}".replace("e+", "e")
    return f"{value:,.10g}"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


#: Forms YAML 1.1 (not read by llmplan) would have turned into numbers or booleans.
_YAML11_SURPRISE: Final = re.compile(
    r"^(?:[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$"
)


def _parse_string(text: str, where: Where, kind: str, expected: str) -> float:
    # a quantity is short; the length limit also bounds the regex's backtracking
    match = _NUMBER.match(text) if len(text) <= 100 else None
    hint = None
    if _YAML11_SURPRISE.match(text.strip()):
        hint = (
            f"'{text.strip()}' is text in YAML 1.2, which llmplan reads (YAML 1.1 would make "
            "it a number or true/false): write the number you mean"
        )
    if match is None:
        raise InputError(
            where, f"cannot read {_short(text)} as a quantity", expected=expected, hint=hint
        )
    number = float(match["num"].replace("_", "").replace(",", ""))
    if match["suffix"]:
        number *= SUFFIXES[match["suffix"]]
    unit = match["unit"].lower().replace(" ", "")
    if unit not in _UNITS:
        raise InputError(
            where,
            f"cannot read {_short(text)}: unknown unit or suffix '{match['unit'][:20]}'",
            expected=expected,
            hint=hint,
        )
    unit_kind, factor = _UNITS[unit]
    number *= factor
    if unit_kind in ("", kind) or (kind == "number" and unit_kind == ""):
        return number
    if (unit_kind, kind) in _CONVERT:
        return number * _CONVERT[(unit_kind, kind)]
    raise InputError(
        where, f"found {_short(text)}, which is in {unit_kind.replace('_', ' ')}", expected=expected
    )


def format_si(value: float, *, digits: int = 3) -> str:
    """Short human form of a count: 7.0e10 -> '70B', 1.4e12 -> '1.4T', 1.3e6 -> '1.3M'."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1e18:
        return f"{value:.{digits}g}"
    scales = (("P", 1e15), ("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3), ("", 1.0))
    for suffix, scale in scales:
        # compare the value as it will be printed: 999,950 at 3 digits is "1M", not "1e+03k"
        if abs(float(f"{value:.{digits}g}")) >= scale or scale == 1.0:
            text = f"{value / scale:.{digits}g}"
            if "e" in text and suffix:  # rounding pushed it to the next scale (P is the last)
                return f"{value:.{digits}g}"
            return f"{text}{suffix}"
    raise AssertionError("unreachable")
