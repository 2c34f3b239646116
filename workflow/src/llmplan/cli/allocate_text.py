"""The text output of ``llmplan allocate`` (``--lang`` picks its language): the budget, the
recommendation with its interval, reasons, alternatives and risks, and every law in a table."""

from __future__ import annotations

from typing import Any, Final

from llmplan.cli.common import pad, width
from llmplan.core.intervals import INTERVAL_SHORT
from llmplan.core.messages import N_
from llmplan.laws.registry import LOSS_COMPARABILITY_NOTE
from llmplan.report.i18n import Language

#: The text output's sentences (``--lang`` picks their translation).
TEXT: Final = {
    "budget": N_("Budget: {flops} FLOPs = {pf_days} PF/s-days"),
    "budget_days": N_("{days} days on {count} × {hardware}"),
    "recommendation": N_(
        "Recommendation ({law}): {params} parameters on {tokens} tokens ({ratio} per parameter)"
    ),
    "moe": N_("a mixture of experts: these are its active parameters, {total} in all"),
    "days": N_("{days} days"),
    "loss": N_("loss {value}"),
    "interval": N_("best size ({interval}): {low} to {high}"),
    "why": N_("why: {why}"),
    "alternative": N_(
        "alternative past the budget (Sardana et al. 2023): {params} parameters on {tokens} "
        "tokens, {extra} compute"
    ),
    "risk": N_("risk: {text}"),
    "every_law": N_("Every law, before constraints:"),
    "law": N_("law"),
    "params": N_("params"),
    "tokens": N_("tokens"),
    "beyond": N_("beyond fit"),
    "n_interval": N_("N interval"),
    "warnings": N_("Warnings:"),
}


def _say(lang: Language, key: str, **args: Any) -> str:
    return lang.gettext(TEXT[key]).format(**args)


def report(
    budget: Any,
    rec: dict[str, Any],
    result: dict[str, Any],
    lang: Language,
    model: dict[str, Any] | None = None,
) -> str:
    """The text output; ``model`` is the scenario's architecture (plan.json's), if any."""
    si, fmt = lang.si, lang.formats
    head = _say(lang, "budget", flops=f"{budget.flops:.3g}", pf_days=f"{budget.pf_days:.4g}")
    extras = []
    if budget.days is not None:
        extras.append(
            _say(
                lang,
                "budget_days",
                days=f"{budget.days:.3g}",
                count=f"{budget.count:,.0f}",
                hardware=budget.hardware.id,
            )
        )
    if budget.usd is not None:
        extras.append(fmt["usd"](budget.usd))
    lines = [lang.comma.join([head, *extras]), ""]
    lines.append(
        _say(
            lang,
            "recommendation",
            law=rec["law"],
            params=si(rec["params"]),
            tokens=si(rec["tokens"]),
            ratio=f"{rec['tokens_per_param']:.3g}",
        )
    )
    if model is not None and model.get("moe"):
        lines.append("  " + _say(lang, "moe", total=si(model["moe"]["params_total"])))
    facts = [f"{rec['train_flops']:.3g} FLOPs"]
    if rec["days"] is not None:
        facts.append(_say(lang, "days", days=f"{rec['days']:.3g}"))
    if rec["usd"] is not None:
        facts.append(fmt["usd"](rec["usd"]))
    if rec["loss"] is not None:
        loss = f"{rec['loss']:.3f}"
        if rec["loss_interval"]:
            loss += f" [{rec['loss_interval'][0]:.3f}, {rec['loss_interval'][1]:.3f}]"
        facts.append(_say(lang, "loss", value=loss))
    lines.append("  " + lang.comma.join(facts))
    if rec["params_interval"]:
        lo, hi = rec["params_interval"]
        lines.append(
            "  " + _say(lang, "interval", interval=INTERVAL_SHORT, low=si(lo), high=si(hi))
        )
    why = lang.join(lang.message(item) for item in rec["basis"])
    lines.append("  " + _say(lang, "why", why=why))
    for alt in rec["alternatives"]:
        extra = fmt["signed_pct"](alt["extra_fraction"])
        lines.append(
            "  "
            + _say(
                lang,
                "alternative",
                params=si(alt["params"]),
                tokens=si(alt["tokens"]),
                extra=extra,
            )
        )
    for risk in rec["risks"]:
        lines.append("  " + _say(lang, "risk", text=lang.message(risk)))
    lines += ["", _table(result["allocations"], lang)]
    return "\n".join(lines)


def _fmt_interval(values: list[float] | None, fmt: Any) -> str:
    return "" if values is None else f"[{fmt(values[0])}, {fmt(values[1])}]"


def _table(allocations: list[dict[str, Any]], lang: Language) -> str:
    say = lang.gettext
    lines = [say(TEXT["every_law"])]
    header = (
        f"{pad(say(TEXT['law']), 32)} {pad(say(TEXT['params']), 8, right=True)} "
        f"{pad(say(TEXT['tokens']), 8, right=True)} {'D/N':>7} {pad(say('Loss'), 6, right=True)}"
        f"  {pad(say(TEXT['beyond']), 10, right=True)}  {say(TEXT['n_interval'])} "
        f"({INTERVAL_SHORT})"
    )
    lines += [header, "-" * width(header)]
    for a in allocations:
        loss = f"{a['loss']:6.3f}" if a["loss"] is not None else "     -"
        interval = ""
        if a["intervals"]:
            interval = _fmt_interval(a["intervals"]["params"], lang.si)
        factor = a["extrapolation_factor"]
        beyond = "-" if factor <= 1 else f"{factor:.3g}x" + (" !" if not a["in_range"] else "")
        lines.append(
            f"{a['law']:32} {pad(lang.si(a['params']), 8, right=True)} "
            f"{pad(lang.si(a['tokens']), 8, right=True)} "
            f"{a['tokens_per_param']:7.3g} {loss}  {beyond:>10}  {interval}"
        )
    warnings = [w for a in allocations for w in lang.text(a, "warnings")]
    if warnings:
        lines += ["", say(TEXT["warnings"]), *(f"- {w}" for w in warnings)]
    lines += ["", say(LOSS_COMPARABILITY_NOTE)]
    return "\n".join(lines)
