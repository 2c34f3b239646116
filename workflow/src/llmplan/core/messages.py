"""Every sentence a plan says about itself, as a message with named arguments.

A message is ``{"code", "args", "text"}``: ``text`` is the English sentence (for plan.json readers
and the command line), and a report in another language renders the same ``code`` from its
translated message catalog with the same ``args``, numbers formatted the way its readers write
them (:meth:`llmplan.report.i18n.Language.message`).

Where a plan keeps its messages (one scheme for every stage, so plan.json reads as it always did):

- An explanation that is a message in its own right (a recommendation's ``basis``, a risk, a
  budget note, a what-if label) is stored as the message itself; its English is its ``text``.
- A field that holds generated English (a law's ``name``; a training run's ``why``, ``notes``
  and ``texts``; a layout's ``text``; a memory or step row's ``label`` and ``what``; the
  architecture's ``headline``, ``family_text``, ``shape_rule``, ``notes``; a shape row's
  ``label`` and ``note`` ...) keeps that English string where it always was, and its object
  carries the message beside it under ``messages[<field>]``, in the field's shape: a message for
  a string, a list of messages for a list, a mapping of messages for a mapping. Reports read it
  with :meth:`llmplan.report.i18n.Language.text` (``obj | text("field")`` in templates), which
  falls back to the catalog's translation of the English string when there is no message.

Placeholders name a format after the colon: ``{params:si}`` (70B), ``{x:num}`` (3 significant
figures), ``{x:pct}`` / ``{x:pct1}`` (percent), ``{x:usd}``, ``{x:times}`` (37x), ``{x:count}``
(1,024); any other spec is Python's. An argument may itself be a message (rendered in the same
language) or a list of messages and strings, joined as its spec says: ``{x:list}`` (a, b),
``{x:semicolons}`` (a; b), ``{x:sentences}`` (two sentences); each language brings its own
separators. Text arguments pass through the catalog, so an argument that is a marked string
(``N_``) is translated and a proper name stays as it is.

There is one registry, :data:`MESSAGES`: the messages of the plan below, merged with those of the
training run (:mod:`llmplan.core.messages_run`) and the architecture
(:mod:`llmplan.core.messages_arch`). :func:`message` and the reports read only it. ``N_`` marks a
message for extraction by Babel (``pybabel extract -k N_``).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any, Final

from llmplan.core.messages_arch import ARCH_MESSAGES
from llmplan.core.messages_fit import FIT_MESSAGES
from llmplan.core.messages_run import RUN_MESSAGES
from llmplan.core.msgid import N_
from llmplan.core.units import format_si

__all__ = ["ENGLISH", "MESSAGES", "N_", "Formats", "is_message", "message", "render", "risk"]

MESSAGES: Final = {
    # two sentences or more, one message (each language joins sentences its own way)
    "text.sentences": N_("{sentences:sentences}"),
    # laws whose texts carry numbers or names
    "law.tokens_per_param.name": N_("{ratio:num} tokens per parameter"),
    "law.tokens_per_param.why": N_(
        "Tokens per parameter is the rule of thumb D = {ratio:num} N drawn from Hoffmann's Table 3."
    ),
    "law.fit.name": N_("Fitted to {dataset}"),
    "law.fit.synthetic_name": N_("Fitted to {dataset} (synthetic)"),
    "law.fit.loss_note": N_("loss in the units and on the data of {source}"),
    # where each law's constants come from: {ref} is the paper, cited as published
    "law.citation.approach1": N_(
        "{ref}, s3.1; exponent a = 0.50 from Table 2; coefficient derived from the Table 3 "
        "projections (least squares in log space)"
    ),
    "law.citation.approach2": N_(
        "{ref}, s3.2; a = 0.49, b = 0.51 from Table 2; coefficient derived from the Table A3 "
        "projections (least squares in log space)"
    ),
    "law.citation.approach3": N_(
        "{ref}, s3.3 eq. 2 and 4; unrounded constants from the paper's LaTeX source as recorded "
        "by Epoch AI ({notebook})"
    ),
    "law.citation.approach3_rounded": N_("{ref}, s3.3 eq. 2 and 4; constants App. D.2 eq. 10"),
    "law.citation.epoch": N_(
        "{ref}, refit table; standard errors from Epoch's notebook ({notebook} cells 25 and 54)"
    ),
    "law.citation.kaplan": N_(
        "{ref}, eq. 6.1 and Table 6 (N_opt = 1.3e9 C_min^0.73, C_min in PF/s-days), with "
        "C = 2 C_min (eq. 6.7) as Hoffmann et al. 2022 App. D.4 read it; loss eq. 1.5 with "
        "Table 2 constants"
    ),
    "law.citation.tokens_per_param": N_(
        "{ref}, Table 3 (about 20 tokens per parameter at the compute-optimal frontier); "
        "C = 6 N D, Kaplan et al. 2020 arXiv:2001.08361 eq. 2.1"
    ),
    "law.citation.fit": N_(
        "fitted by llmplan to {source} with the parametric form of {ref}, eq. 2 (approach 3)"
    ),
    # an allocation's warnings (one per law; the law's id leads)
    "allocation.above": N_(
        "{law}: the budget {flops:.3g} FLOPs is {factor:times} above the range the law was fitted "
        "on ({low:.2g} to {high:.2g} FLOPs); this is an extrapolation"
    ),
    "allocation.below": N_(
        "{law}: the budget {flops:.3g} FLOPs is {factor:times} below the range the law was fitted "
        "on ({low:.2g} to {high:.2g} FLOPs); this is an extrapolation"
    ),
    "allocation.saturated": N_(
        "{law}: the data-constrained plan repeats the unique data {epochs:.0f} times; that is over "
        "4 x R_D* = {limit:.0f}: further epochs add almost nothing (Muennighoff et al. 2023)"
    ),
    "allocation.no_inference": N_("{law}: no finite inference-aware plan at this budget"),
    "allocation.activations": N_(
        "{law}: activations alone exceed one {hardware}'s memory; needs tensor or sequence "
        "parallelism beyond this estimate"
    ),
    "allocation.memory": N_(
        "{law}: {params:si} parameters need at least {needed} {hardware} to hold the training "
        "state; the plan has {count:g}"
    ),
    # the budget
    "budget.mfu_assumed": N_("MFU not stated: assumed {mfu:pct} (config default)."),
    "budget.mfu_auto_none": N_("MFU auto: no layout fits, so the config default is kept."),
    "budget.mfu_auto_resolved": N_(
        "MFU auto: {mfu:pct1}, the calibrated model's value for the fastest layout that fits the "
        "recommended model ({layout})."
    ),
    "budget.mfu_auto": N_(
        "MFU auto: provisionally {mfu:pct} (config default) until the plan resolves it."
    ),
    # what-if rows
    "whatif.as_planned": N_("as planned"),
    "whatif.mfu": N_("MFU {mfu:pct}"),
    "whatif.count": N_("{count:count} GPUs (x{factor:num})"),
    "whatif.price": N_("price {price:usd2}/h ({change:signed_pct})"),
    "whatif.budget": N_("budget x{factor:num}"),
    # why the recommended model is the one it is
    "basis.compute_optimal": N_("compute-optimal under {law}"),
    "basis.capped": N_("capped at max_params = {cap:si}"),
    "basis.exact_flops": N_(
        "counting the model's exact FLOPs per token, {ratio:num} x 6N with attention, so the "
        "budget buys fewer tokens than 6 N D suggests"
    ),
    "basis.repeating": N_("repeating {unique:si} unique tokens (Muennighoff et al. 2023, eq. 5)"),
    "basis.repeating_fallback": N_(
        "repeating {unique:si} unique tokens (Muennighoff et al. 2023, eq. 5, with their own fit "
        "as the loss model)"
    ),
    "basis.inference_interval": N_(
        "smaller for {demand:si} lifetime inference tokens: the size Sardana et al. 2023 give for "
        "that demand, kept within the budget and within the law's interval (10–90%) of the best loss"
    ),
    "basis.inference_tolerance": N_(
        "smaller for {demand:si} lifetime inference tokens: the size Sardana et al. 2023 give for "
        "that demand, kept within the budget and within {tolerance:pct1} of the best loss"
    ),
    "basis.soft": N_(
        "inference-aware under {law} for {demand:si} lifetime inference tokens (Sardana et al. "
        "2023): the compute-optimal model's loss at the least lifetime cost, training past the "
        "budget, which the scenario marks as soft"
    ),
    # risks, in plain words
    "risk.extrapolation.title": N_("Extrapolation"),
    "risk.extrapolation": N_(
        "The budget is {factor:times} beyond the largest training runs behind {law}: the "
        "recommended size is an extrapolation. Run a small scaling ladder of your own before "
        "committing."
    ),
    "risk.extrapolation.band": N_(
        "The budget is {factor:times} beyond the largest training runs behind {law}: the "
        "recommended size is an extrapolation. Its stated range ({low:si} to {high:si}) covers "
        "the uncertainty of its fit, not the error of extrapolating that far. Run a small scaling "
        "ladder of your own before committing."
    ),
    "risk.data.title": N_("Repeated data"),
    "risk.data.heavy": N_(
        "The plan reads your {unique:si} unique tokens {epochs:num} times. Up to about 4 passes "
        "cost little (Muennighoff et al. 2023); beyond that each pass is worth much less: more "
        "data would help more than more compute."
    ),
    "risk.data.light": N_(
        "The plan reads your {unique:si} unique tokens {epochs:num} times. Up to about 4 passes "
        "cost little (Muennighoff et al. 2023); the plan already prices that in."
    ),
    "risk.memory.title": N_("Memory"),
    "risk.memory": N_(
        "Training {params:si} parameters needs at least {needed:count} x {hardware} to hold the "
        "weights, gradients and optimizer state; the budget has {count:count}."
    ),
    "risk.laws.title": N_("Laws disagree"),
    "risk.laws": N_(
        "The published laws used within their range disagree by {ratio:times} on the best size "
        "({low:si} to {high:si}): the choice of law matters as much as the budget."
    ),
    "risk.calendar.title": N_("Deadline"),
    "risk.calendar.mfu": N_(
        "The budget's days assume {stated:pct} MFU (of the {peak} peak) without interruptions, "
        "more than the {mfu:pct} ({mfu_low:pct} to {mfu_high:pct}) that the parallel layout "
        "llmplan picks is calibrated to reach. With the interruptions expected on {count:count} "
        "accelerators, the run takes {days:num} days ({low:num} to {high:num}), past {limit}. "
        "Plan with mfu: auto or a lower mfu, or with more time."
    ),
    "risk.calendar.interruptions": N_(
        "The budget's days assume no interruptions. With those expected on {count:count} "
        "accelerators, the run takes {days:num} days ({low:num} to {high:num}), past {limit}. "
        "Leave about {slack:num} days of slack, or plan fewer tokens."
    ),
    "risk.calendar.band": N_(
        "The budget's days assume {stated:pct} MFU (of the {peak} peak) without interruptions. "
        "The parallel layout llmplan picks is calibrated to reach {mfu:pct} ({mfu_low:pct} to "
        "{mfu_high:pct}); with that and the interruptions expected on {count:count} "
        "accelerators, the run takes {days:num} days ({low:num} to {high:num}): the slow end of "
        "that range runs past {limit}. Leave about {slack:num} days of slack in the schedule."
    ),
    "risk.calendar.days": N_("the budget's {days:num} days"),
    "risk.calendar.usd": N_("the {days:num} days that {usd:usd} buy on {count:count} accelerators"),
    "risk.calendar.gpu_hours": N_(
        "the {days:num} days that {hours:si} accelerator-hours give on {count:count} accelerators"
    ),
    "risk.mfu.title": N_("Utilisation assumed"),
    "risk.mfu": N_(
        "Days and dollars assume {mfu:pct} MFU, not a measurement of your stack; see the "
        "what-if table."
    ),
    **RUN_MESSAGES,
    **ARCH_MESSAGES,
    **FIT_MESSAGES,
}

#: The formats a placeholder may name, in English (a report in another language brings its own).
Formats = Mapping[str, Callable[[Any], str]]

ENGLISH: Final[Formats] = {
    "si": lambda v: format_si(float(v)),
    "num": lambda v: f"{float(f'{float(v):.3g}'):,g}",
    "pct": lambda v: f"{float(v):.0%}",
    "pct1": lambda v: f"{float(v):.1%}",
    "usd": lambda v: f"${float(v):,.0f}",
    "times": lambda v: f"{float(v):.3g}x",
    "count": lambda v: f"{float(v):,.0f}",
    "usd2": lambda v: f"${float(v):,.2f}",
    "signed_pct": lambda v: f"{float(v):+.0%}",
    # lists of rendered parts
    "list": ", ".join,
    "semicolons": "; ".join,
    "sentences": " ".join,
}


def is_message(value: Any) -> bool:
    """Whether ``value`` is a message (``{"code", "args", ...}``)."""
    return isinstance(value, Mapping) and "code" in value and "args" in value


def _han(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph (written without spaces between them)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _joined(left: str, right: str) -> str:
    """``left + right`` without a space that would fall between two ideographs.

    A Chinese message spaces a placeholder off when its argument may be Latin ("按 {law}", where
    the law is "Epoch AI ..."); when the argument itself begins or ends with an ideograph, the
    space is dropped, as Chinese writes ("... 的重新拟合所依据", not "... 的重新拟合 所依据").
    """
    if left[-2:-1] and left[-1] == " " and right[:1] and _han(left[-2]) and _han(right[0]):
        return left[:-1] + right
    if left[-1:] and right[1:2] and right[0] == " " and _han(left[-1]) and _han(right[1]):
        return left + right[1:]
    return left + right


class _Formatter(string.Formatter):
    def __init__(self, formats: Formats, translate: Callable[[str], str]) -> None:
        self.formats = formats
        self.translate = translate

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        """Python's formatting (fields with attributes, conversions and specs), joining each
        piece to the text before it with :func:`_joined`."""
        out, auto = "", 0
        for literal, field, spec, conversion in self.parse(format_string):
            out = _joined(out, literal)
            if field is None:
                continue
            if field == "" or field[0] in ".[":  # "{}", "{.attr}": the next positional argument
                field, auto = f"{auto}{field}", auto + 1
            value, _ = self.get_field(field, args, kwargs)
            value = self.convert_field(value, conversion)
            spec = super().vformat(spec, args, kwargs) if spec and "{" in spec else spec or ""
            out = _joined(out, self.format_field(value, spec))
        return out

    def format_field(self, value: Any, format_spec: str) -> str:
        if is_message(value):
            if value["code"] not in MESSAGES:
                return str(value.get("text", ""))
            return self.vformat(self.translate(MESSAGES[value["code"]]), (), value["args"])
        if isinstance(value, list | tuple):
            parts = [self.format_field(part, "") for part in value]
            return str(self.formats[format_spec or "list"](parts))
        if format_spec in self.formats:
            return self.formats[format_spec](value)
        if isinstance(value, str) and not format_spec:
            return self.translate(value) if value else value
        return super().format_field(value, format_spec)


def render(
    template: str,
    args: Mapping[str, Any],
    formats: Formats = ENGLISH,
    translate: Callable[[str], str] = str,
) -> str:
    """``template`` with ``args`` filled in; text arguments (law names) and the templates of
    messages among the arguments pass through ``translate``."""
    return _Formatter(formats, translate).format(template, **args)


def message(code: str, **args: Any) -> dict[str, Any]:
    """A message of the plan: its code, arguments, and English text."""
    return {"code": code, "args": args, "text": render(MESSAGES[code], args)}


def risk(kind: str, level: str, code: str, **args: Any) -> dict[str, Any]:
    """A risk: its kind, level (high, medium, low), title and message."""
    title = MESSAGES[f"risk.{kind}.title"]
    return {"kind": kind, "level": level, "title": title, **message(code, **args)}
