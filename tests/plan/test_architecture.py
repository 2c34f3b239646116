"""plan.json's architecture section on the shipped scenarios, page one's sentence, the partial."""

from __future__ import annotations

import re

import pytest
import yaml
from shipped_plans import plan_of

from conftest import REPO
from llmplan.arch.counts import param_counts
from llmplan.arch.shape import ModelShape
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.settings import defaults
from llmplan.io.provenance import provenance
from llmplan.plan.architecture import arch_headline
from llmplan.report.context import index_context, plan_context
from llmplan.report.i18n import language
from llmplan.report.render import environment
from llmplan.steps.catalog import write_catalog
from llmplan.steps.plan import write_plan
from llmplan.steps.scenario_report import write_scenario_report

CATALOG = load_catalog(REPO / "data" / "catalog")


@pytest.fixture(scope="module")
def fp8_plan() -> dict:
    return plan_of("llama-fp8-32k")


@pytest.fixture(scope="module")
def moe_plan() -> dict:
    return plan_of("moe-mixtral-style")


def test_fp8_scenario_names_its_shape_and_uses_the_fp8_peak(fp8_plan):
    arch, budget = fp8_plan["architecture"], fp8_plan["budget"]
    assert (budget["precision"], budget["peak_tflops_dense"]) == ("fp8", 1978.9)
    assert budget["flops"] == pytest.approx(256 * 30 * 86400 * 1978.9e12 * 0.30, rel=1e-12)
    assert arch["precision"]["peak_tflops_dense"] == 1978.9
    assert arch["precision"]["peak_ratio"] == pytest.approx(2.0, rel=1e-3)
    shape = ModelShape.from_dict(arch["shape"])
    assert shape.seq_len == 32768 and shape.vocab == 128256 and shape.n_kv_heads == 8
    assert arch["counts"]["total"] == param_counts(shape).total
    assert arch["counts"]["total"] == pytest.approx(fp8_plan["recommendation"]["params"], rel=0.03)
    headline = arch["headline"]
    assert headline.startswith(f"a {shape.n_layers}-layer, {shape.d_model}-wide Llama-style")
    assert headline.endswith(", fp8")


def test_fp8_scenario_exact_flops_at_32k(fp8_plan):
    """At 32,768 tokens attention adds 2 L T d / N to 6N; the budget buys correspondingly fewer
    tokens, and every law's exact allocation spends the whole budget."""
    arch = fp8_plan["architecture"]
    s, n = arch["shape"], arch["counts"]["total"]
    ratio = 1 + 2 * s["n_layers"] * 32768 * s["n_heads"] * s["head_dim"] / n
    assert arch["ratio_to_6n"] == pytest.approx(ratio, rel=1e-12)
    assert arch["tokens_at_budget"] == pytest.approx(fp8_plan["budget"]["flops"] / (6 * n * ratio))
    for a in arch["allocation"]:
        assert a["tokens_change"] < 1, a["law"]
        assert a["flops_per_token"] * a["tokens"] == pytest.approx(a["flops"], rel=1e-9)


def test_moe_scenario_accounting(moe_plan):
    arch = moe_plan["architecture"]
    moe = arch["moe"]
    assert arch["family"] == "moe" and moe["experts"] == 8 and moe["active_experts"] == 2
    assert arch["counts"]["active"] == pytest.approx(moe_plan["recommendation"]["params"], rel=0.03)
    assert moe["params_total"] > 3 * moe["params_active"]
    # FLOPs follow active parameters, memory all of them
    assert arch["flops"]["six_n"] == 6 * arch["counts"]["active"]
    assert moe["memory"]["state_gb"] == pytest.approx(16 * moe["params_total"] / 1e9)
    # Mixtral's layout is E = 4 in Krajewski et al.'s terms: their law is a reference only
    assert moe["expansion"] == 4 and not moe["law_applies"]
    assert moe["law"]["granularity"] in (1, 2, 4, 8, 16, 32, 64)
    assert moe["law"]["loss"] < moe["law"]["dense_loss"]
    assert "8 experts, 2 active" in arch["headline"] and "active)" in arch["headline"]


def test_scenarios_without_a_model_section_get_the_default(monkeypatch):
    plan = plan_of("gopher-chinchilla")
    arch = plan["architecture"]
    assert not arch["stated"] and arch["family"] == "llama"
    assert arch["precision"] is None  # a compute budget: no peak
    assert "fp8" not in arch["headline"] and "bf16" not in arch["headline"]


def test_headline_of_llama3_8b():
    """The sentence page one prints, for Llama 3 8B's shape trained in fp8."""
    arch = {
        "family": "llama",
        "source": "rule",
        "shape": {
            "n_layers": 32,
            "d_model": 4096,
            "n_heads": 32,
            "n_kv_heads": 8,
            "mlp": "swiglu",
            "d_ff": 14336,
            "experts": 1,
            "active_experts": 1,
        },
        "counts": {"total": 8_030_261_248, "active": 8_030_261_248},
        "precision": {"name": "fp8"},
    }
    assert arch_headline(arch) == (
        "a 32-layer, 4096-wide Llama-style decoder (GQA 32/8, SwiGLU 14336), 8.03B parameters, fp8"
    )


@pytest.mark.parametrize("name", ["llama-fp8-32k", "moe-mixtral-style"])
def test_partial_renders(name, fp8_plan, moe_plan):
    plan = fp8_plan if name == "llama-fp8-32k" else moe_plan
    html = environment().get_template("partials/architecture.html.j2").render(plan=plan)
    assert plan["architecture"]["headline"] in html
    assert 'id="architecture"' in html
    assert ("Mixture of experts" in html) == (name == "moe-mixtral-style")
    assert "1,978.9 TFLOP/s" in html or name != "llama-fp8-32k"


def test_one_memory_answer_for_the_model_to_build(moe_plan, fp8_plan, tmp_path):
    """The memory check of the constraints holds every parameter of the model to build (an MoE's
    inactive experts too), the count its architecture and training run use, so the report gives
    one answer: before, the constraints sized an MoE's memory from its active N (825 GB, 13
    H100s) while its architecture section said 3,030 GB and 48."""
    for plan in (moe_plan, fp8_plan):
        memory, total = plan["recommendation"]["memory"], plan["architecture"]["counts"]["total"]
        assert memory["params"] == total
        assert memory["state_gb"] == pytest.approx(16 * total / 1e9)
    moe = moe_plan["architecture"]["moe"]
    assert moe["memory"] == moe_plan["recommendation"]["memory"]
    assert moe["params_total"] > 3 * moe_plan["recommendation"]["params"]
    # the page says it twice, the same way (the workflow's own steps)
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    write_catalog(REPO / "data/catalog", tmp_path / "catalog.json", config=config)
    scenario = REPO / "config/scenarios/moe-mixtral-style.yaml"
    write_plan(scenario, tmp_path / "catalog.json", tmp_path / "plan.json", config=config)
    html = tmp_path / "plan.html"
    write_scenario_report(tmp_path / "plan.json", [html], [tmp_path / "plan.pdf"], config={})
    text = " ".join(re.sub(r"<[^>]+>", "", html.read_text()).split())
    states = re.findall(r"(?:training state|bytes per parameter of state:) ([\d,.]+) GB", text)
    devices = re.findall(r"at least (\d+) × NVIDIA H100", text)
    assert len(states) == len(devices) == 2 and len(set(states)) == len(set(devices)) == 1
    assert float(states[0].replace(",", "")) == pytest.approx(moe["memory"]["state_gb"], rel=2e-3)
    assert int(devices[0]) == moe["memory"]["min_devices"] > 13


def test_page_one_says_an_moe_n_is_active_parameters(moe_plan, fp8_plan):
    """Page one's decision names an MoE's N as what it is, its active parameters, in each
    language (its total is on the next line, "Model to build"); a dense model's N is not."""
    for plan, moe in ((moe_plan, True), (fp8_plan, False)):
        plan = {**plan, "provenance": provenance({})}
        en = str(plan_context(plan, defaults())["decision"])
        zh = str(plan_context(plan, defaults(), language("zh"))["decision"])
        assert ("-active-parameter</strong> model" in en) == moe
        assert ("激活参数</strong>的模型" in zh) == moe
        assert "-parameter</strong> model" in en and "参数</strong>的模型" in zh


def test_the_index_says_what_an_moe_n_counts(moe_plan, fp8_plan):
    """The index's model column gives N, and under an MoE's N what it counts and its total."""
    catalog = {"provenance": {"build_epoch": 0}}
    for code, note in (("en", "active; 189B in all"), ("zh", "激活参数；共 1890亿")):
        ctx = index_context([moe_plan, fp8_plan], [], catalog, defaults(), language(code))
        assert [row["params_note"] for row in ctx["rows"]] == [note, None]
