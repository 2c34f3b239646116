"""Allocation with constraints: published worked examples and closed-form checks."""

from __future__ import annotations

import itertools
import json
import math
import re

import numpy as np
import pytest
from exact_support import exact_params
from hypothesis import given, settings
from hypothesis import strategies as st

from llmplan import cli
from llmplan.core.errors import InputError, Where
from llmplan.inputs.catalog import Hardware
from llmplan.inputs.constraints import parse_constraints
from llmplan.laws.registry import all_laws, get_law
from llmplan.plan.allocate import (
    Constraints,
    allocate,
    allocate_all,
    data_constrained_loss,
    data_constrained_optimum,
    inference_optimum,
    memory_plan,
)
from llmplan.plan.memory import activation_bytes_per_device
from llmplan.report.i18n import format_chinese, language

H100 = Hardware(
    id="h100-sxm", name="H100", peak_tflops_dense={"bf16": 989.4}, memory_gb=80, source="test"
)
WHERE = Where("s.yaml", "scenario", "constraints")


# --- Muennighoff et al. 2023: huggingface/datablations README, "Parametric Fit" ---------------


def test_muennighoff_readme_losses_exactly():
    """README prints 2.2256440889984477 and 2.2269634075087867 (Figure 1 right)."""
    a = float(data_constrained_loss(6.34e9, 242e9, 25e9)["loss"])
    b = float(data_constrained_loss(8.67e9, 178e9, 25e9)["loss"])
    assert a == pytest.approx(2.2256440889984477, rel=1e-12)
    assert b == pytest.approx(2.2269634075087867, rel=1e-12)


def test_muennighoff_readme_optimal_allocation():
    """README: from (8.67B, 178B, 25B unique): '227B tokens, 9.1 epochs, 6.8B parameters'."""
    best = data_constrained_optimum(6 * 8.67e9 * 178e9, 25e9)
    assert best["tokens"] == pytest.approx(227e9, rel=0.005)
    assert best["epochs"] == pytest.approx(9.1, abs=0.05)
    assert best["params"] == pytest.approx(6.8e9, rel=0.01)
    assert 6 * best["params"] * best["tokens"] == pytest.approx(6 * 8.67e9 * 178e9, rel=1e-9)


def test_no_repetition_means_no_penalty():
    """With U >= D and N below N_opt(U), D' = D and N' = N: the plain parametric loss."""
    out = data_constrained_loss(1e9, 2e10, 1e12)
    assert float(out["effective_tokens"]) == pytest.approx(2e10, rel=1e-12)
    assert float(out["effective_params"]) == pytest.approx(1e9, rel=1e-12)


# --- Sardana et al. 2023 -----------------------------------------------------------------------


def _budget_for_params(law, params):
    """C at which ``law``'s compute-optimal N equals ``params`` (eq. 4 inverted)."""
    return 6 * (params / law.G) ** (1 / law.a)


def test_sardana_figure1_example():
    """Fig. 1 caption (SECONDARY, quoted in a review of arXiv:2401.00448): a 13B model with 2T
    inference tokens -> a 7B model saves 1.7e22 FLOPs (17%). Reproduced with the unrounded
    Chinchilla constants to about 5%; the paper does not print which constants it used."""
    law = get_law("chinchilla-approach3-unrounded")
    c = _budget_for_params(law, 13e9)
    plan = inference_optimum(c, law, 2e12)
    assert plan["compute_optimal_params"] == pytest.approx(13e9, rel=1e-9)
    assert plan["params"] == pytest.approx(7e9, rel=0.05)
    assert plan["saving_flops"] == pytest.approx(1.7e22, rel=0.06)
    assert plan["saving_fraction"] == pytest.approx(0.17, abs=0.01)


@pytest.mark.parametrize("law_id", ["chinchilla-approach3", "epoch-2024"])
def test_sardana_without_inference_is_the_compute_optimal_point(law_id):
    law = get_law(law_id)
    plan = inference_optimum(1e23, law, 0.0)
    n, _d = law.optimal(1e23)
    assert plan["params"] == pytest.approx(float(n), rel=1e-3)
    assert plan["train_flops"] == pytest.approx(1e23, rel=1e-6)
    assert plan["saving_fraction"] == pytest.approx(0.0, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(log_c=st.floats(min_value=18, max_value=26), log_inf=st.floats(min_value=9, max_value=15))
def test_sardana_keeps_loss_and_lowers_lifetime_flops(log_c, log_inf):
    law = get_law("chinchilla-approach3")
    c, d_inf = 10.0**log_c, 10.0**log_inf
    plan = inference_optimum(c, law, d_inf)
    assert float(law.loss(plan["params"], plan["train_tokens"])) == pytest.approx(
        plan["target_loss"], rel=1e-9
    )
    assert plan["lifetime_flops"] <= plan["compute_optimal_lifetime_flops"] * (1 + 1e-9)
    assert plan["params"] <= plan["compute_optimal_params"] * (1 + 1e-6)


# --- allocate -----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(log_c=st.floats(min_value=12, max_value=30))
def test_unconstrained_allocations_are_finite_and_exact(log_c):
    c = 10.0**log_c
    for a in allocate_all(c, all_laws()):
        d = a.to_dict()
        json.dumps(d)  # JSON-ready
        for key in ("params", "tokens", "tokens_per_param"):
            assert math.isfinite(d[key])
        assert d["loss"] is None or math.isfinite(d["loss"])
        if not a.in_range:
            assert any("extrapolation" in w for w in a.warnings)


@settings(max_examples=25, deadline=None)
@given(
    log_c=st.floats(min_value=19, max_value=26),
    log_max=st.floats(min_value=8, max_value=12),
    log_u=st.floats(min_value=9, max_value=13),
)
def test_constrained_allocations_respect_constraints(log_c, log_max, log_u):
    c = 10.0**log_c
    cons = Constraints(max_params=10.0**log_max, unique_tokens=10.0**log_u)
    for a in allocate_all(c, all_laws(), constraints=cons):
        m = a.max_params
        assert m["params"] <= cons.max_params * (1 + 1e-12)
        dc = a.data_constrained
        assert dc["effective_tokens"] <= dc["tokens"] * (1 + 1e-12)
        # the data-constrained plan is a minimum of Muennighoff's loss on the IsoFLOP line
        n = dc["params"]
        near = data_constrained_loss(
            [n / 1.05, n, n * 1.05],
            [c / (6 * n / 1.05), c / (6 * n), c / (6 * n * 1.05)],
            cons.unique_tokens,
        )["loss"]
        assert near[1] <= min(near[0], near[2]) * (1 + 1e-9)


def test_max_params_caps_and_costs_loss():
    law = get_law("chinchilla-approach3")
    a = allocate(5.76e23, law, constraints=Constraints(max_params=10e9))
    m = a.max_params
    assert m["binding"] and m["params"] == 10e9
    assert m["tokens"] == pytest.approx(5.76e23 / 6e10, rel=1e-12)
    assert m["loss_increase"] > 0
    loose = allocate(5.76e23, law, constraints=Constraints(max_params=1e12)).max_params
    assert not loose["binding"] and loose["loss_increase"] == 0


def test_to_dict_shape():
    a = allocate(
        5.76e23,
        get_law("epoch-2024"),
        constraints=Constraints(max_params=3e10, unique_tokens=1e12, inference_tokens=2e12),
        hardware=H100,
        count=64,
    ).to_dict()
    for key in (
        "law",
        "law_name",
        "citation",
        "flops",
        "params",
        "tokens",
        "tokens_per_param",
        "loss",
        "loss_note",
        "intervals",
        "in_range",
        "warnings",
        "max_params",
        "data_constrained",
        "inference",
        "memory",
    ):
        assert key in a
    assert set(a["intervals"]) == {"params", "tokens", "loss"}
    assert a["intervals"]["params"][0] < a["params"] < a["intervals"]["params"][1]
    # 44x above Hoffmann's largest run (1.3e22 FLOPs): beyond the 10x tolerance, flagged
    assert a["in_range"] is False and a["extrapolation_factor"] == pytest.approx(44.3, rel=0.01)
    near = allocate(1e23, get_law("epoch-2024")).to_dict()
    assert near["in_range"] is True and near["extrapolation_factor"] == pytest.approx(
        7.69, rel=0.01
    )
    far = allocate(1e26, get_law("epoch-2024")).to_dict()
    assert far["in_range"] is False  # 7,700x above: an extrapolation, with a warning
    assert any("extrapolation" in w for w in far["warnings"])
    json.dumps(a)
    plain = allocate(1e21, get_law("chinchilla-approach1")).to_dict()
    assert plain["loss"] is None and plain["intervals"] is None
    assert "memory" not in plain and "inference" not in plain


def test_inference_section_only_for_laws_with_loss():
    a = allocate(1e22, get_law("tokens-per-param"), constraints=Constraints(inference_tokens=1e12))
    assert a.inference is None
    assert not a.warnings  # reports explain it once; no per-law warning
    b = allocate(5.76e23, get_law("epoch-2024"), constraints=Constraints(inference_tokens=2e12))
    assert b.inference is not None
    # keeping the loss fixed, the smaller model trains beyond the budget: reported, not warned
    assert b.inference["extra_train_fraction"] == pytest.approx(
        b.inference["train_flops"] / 5.76e23 - 1
    )
    assert b.inference["extra_train_fraction"] > 0


# --- memory -------------------------------------------------------------------------------------


def test_memory_closed_form():
    """70B: 16 bytes/param = 1,120 GB of state; devices = ceil(state / (0.9 x 80 GB - act))."""
    mem = memory_plan(70e9, H100, count=8)
    assert mem["state_gb"] == pytest.approx(1120.0, rel=1e-12)
    act = activation_bytes_per_device(70e9)
    assert mem["min_devices"] == math.ceil(1120e9 / (72e9 - act))
    assert mem["fits"] is False
    assert memory_plan(70e9, H100, count=64)["fits"] is True


def test_memory_warning_when_count_too_small():
    a = allocate(1e24, get_law("chinchilla-approach3"), hardware=H100, count=4)
    assert a.memory["fits"] is False
    assert any("need at least" in w for w in a.warnings)


def test_activation_estimate_grows_with_model():
    sizes = np.array([1e9, 1e10, 1e11, 1e12])
    acts = [activation_bytes_per_device(n) for n in sizes]
    assert all(x < y for x, y in itertools.pairwise(acts))


# --- constraints parsing ------------------------------------------------------------------------


def test_parse_constraints():
    c = parse_constraints(
        {"max_params": "30B", "unique_tokens": "1T", "inference_tokens": 0}, WHERE
    )
    assert c == Constraints(max_params=30e9, unique_tokens=1e12, inference_tokens=0.0)
    assert parse_constraints(None, WHERE) == Constraints()


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ({"max_param": "30B"}, "Did you mean 'max_params'"),
        ({"unique_tokens": "lots"}, "unique_tokens"),
        ({"max_params": 0}, "which is zero"),
        ([1, 2], "a mapping"),
    ],
)
def test_bad_constraints(spec, needle):
    with pytest.raises(InputError, match=needle):
        parse_constraints(spec, WHERE)


def test_bad_budget_value():
    with pytest.raises(InputError):
        allocate(math.inf, get_law("chinchilla-approach3"))


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_json(capsys):
    args = ["allocate", "--flops", "5.76e23", "--law", "chinchilla-approach3-rounded", "--json"]
    assert cli.main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["law"] == "chinchilla-approach3-rounded"
    # the law's own answer, on its 6ND: the rounded constants give about 93 tokens per parameter
    # at Gopher's budget (Hoffmann et al. 2022, Table A3's constants as printed)
    (row,) = doc["laws"]
    assert row["tokens_per_param"] == pytest.approx(92.6, abs=0.5)
    assert doc["unconstrained"]["params"] == doc["params"]  # nothing binds: its own optimum
    # the recommendation prices the model it would build in exact FLOPs (attention included)
    assert doc["params"] == pytest.approx(exact_params(doc["law"], 5.76e23), rel=1e-6)
    assert doc["tokens"] < 5.76e23 / (6 * doc["params"])


def test_cli_table_all_laws_with_constraints(capsys):
    code = cli.main(
        [
            "allocate",
            "--pf-days",
            "6667",
            "--max-params",
            "30B",
            "--unique-tokens",
            "1T",
            "--inference-tokens",
            "2T",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    for law_id in all_laws():
        assert law_id.id in out
    assert "not comparable" in out


def test_cli_gpu_budget_uses_catalog(capsys):
    code = cli.main(
        [
            "allocate",
            "--gpu",
            "h100-sxm",
            "--count",
            "64",
            "--days",
            "30",
            "--mfu",
            "0.4",
            "--json",
            "--law",
            "tokens-per-param",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["train_flops"] == pytest.approx(64 * 30 * 86400 * 989.4e12 * 0.4, rel=1e-12)
    assert doc["days"] == pytest.approx(30.0) and doc["memory"]["hardware"] == "h100-sxm"


def test_cli_errors_are_clean(capsys):
    assert cli.main(["allocate", "--flops", "1e22", "--law", "kaplan"]) == 2
    err = capsys.readouterr().err
    assert "unknown law id" in err and "Traceback" not in err
    assert cli.main(["allocate", "--flops", "1e22", "--pf-days", "3"]) == 2


def test_cli_laws(capsys):
    assert cli.main(["laws", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows][:3] == [
        "chinchilla-approach1",
        "chinchilla-approach2",
        "chinchilla-approach3",
    ]
    assert all(r["citation"] for r in rows)


def test_every_kind_of_warning_reads_in_chinese():
    """A warning is a message: its English stays in ``warnings`` and each language renders it,
    numbers in 亿 (``llmplan allocate --lang zh`` printed these four in English)."""

    zh = language("zh")
    law = get_law("chinchilla-approach3")
    cases = {
        "allocation.above": allocate(1e24, law),
        "allocation.below": allocate(1e16, law),
        "allocation.saturated": allocate(1e24, law, constraints=Constraints(unique_tokens=1e10)),
        "allocation.memory": allocate(1e24, law, hardware=H100, count=4),
    }
    for code, a in cases.items():
        doc = a.to_dict()
        messages = doc["messages"]["warnings"]
        assert code in [m["code"] for m in messages]
        assert doc["warnings"] == [m["text"] for m in messages]  # the English, as before
        for english, chinese in zip(doc["warnings"], zh.text(doc, "warnings"), strict=True):
            assert english.startswith("chinchilla-approach3: ")
            assert chinese.startswith("chinchilla-approach3：")
            words = set(re.findall(r"[A-Za-z]{2,}", chinese.replace(a.law, "")))
            assert words <= {"FLOPs", "R_D", "Muennighoff", "h100", "sxm"}, (chinese, words)
    memory = zh.text(cases["allocation.memory"].to_dict(), "warnings")[-1]
    assert f"{format_chinese(cases['allocation.memory'].params)}参数至少需要" in memory
