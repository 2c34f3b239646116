"""The ladder's workflow steps: gathering rows, and the plan a fitted ladder law gives."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from llmplan.laws.base import eq4_optimum
from llmplan.laws.published import EPOCH_2024
from llmplan.steps.ladder_plan import write_ladder_plan
from llmplan.steps.ladder_runs import write_ladder_runs


def test_runs_keep_final_rows_sorted_by_compute(tmp_path) -> None:
    rows = {
        "b": [(200, 10, 12000, 2.0, "b", 5, "checkpoint"), (200, 20, 24000, 1.8, "b", 10, "final")],
        "a": [(100, 30, 18000, 1.9, "a", 3, "final"), (100, 10, 6000, 2.2, "a", 1, "final")],
    }
    paths = []
    for name, values in rows.items():
        path = tmp_path / f"{name}.csv"
        pd.DataFrame(values, columns=["N", "D", "C", "loss", "run", "step", "kind"]).to_csv(
            path, index=False
        )
        paths.append(path)
    write_ladder_runs(paths, tmp_path / "runs.csv")
    out = pd.read_csv(tmp_path / "runs.csv")
    assert list(out["C"]) == [6000, 18000, 24000]
    assert set(out["kind"]) == {"final"}


def test_plan_recommends_the_fitted_ladder_law(tmp_path, catalog) -> None:
    """A fit.json holding Epoch AI's constants as the ladder's fitted law: the plan of the
    ladder's target (1e21 FLOPs) puts fit:lab first and recommends Epoch's eq. 4 optimum."""
    (tmp_path / "catalog.json").write_text(json.dumps({"normalised": catalog.to_dict()}))
    (tmp_path / "fit.json").write_text(json.dumps({**EPOCH_2024, "dataset": "lab"}))
    ladder = tmp_path / "lab.yaml"
    ladder.write_text("target: {flops: 1.0e+21}\nbudget: {fraction: 0.01}\n")
    out = tmp_path / "plan.json"
    write_ladder_plan(
        ladder, tmp_path / "catalog.json", tmp_path / "fit.json", out, name="lab", config={}
    )
    plan = json.loads(out.read_text())
    assert plan["primary_law"] == "fit:lab" and plan["ladder"]["law"] == "fit:lab"
    rec = plan["recommendation"]
    assert rec["law"] == "fit:lab"
    e = EPOCH_2024
    n_opt, _ = eq4_optimum(1e21, e["A"], e["B"], e["alpha"], e["beta"])
    # within 1%: the target states the ladder's model (vocabulary, context), so the plan counts
    # its exact FLOPs per token, attention included (C = F(N) D), not 6 N
    assert rec["params"] == pytest.approx(float(n_opt), rel=0.01)
    assert "epoch-2024" in {a["law"] for a in plan["allocations"]}


def test_train_step_writes_the_runs_rows(tmp_path) -> None:
    pytest.importorskip("torch")
    from llmplan.steps.ladder_train import write_run_rows
    from train_shapes import TINY_SHAPE

    text = tmp_path / "text.txt"
    text.write_text(" ".join(["in the beginning god created the heaven and the earth"] * 3000))
    tokens_per_step = 4 * TINY_SHAPE.seq_len
    config = {
        "run": "n01",
        "shape": {"n_layers": 1, "d_model": 32, "n_heads": 2, "seq_len": TINY_SHAPE.seq_len},
        "tokens": 30 * tokens_per_step,
        "batch_size": 4,
        "peak_lr": 1e-2,
        "warmup_tokens": 2 * tokens_per_step,
        "schedule": "wsd",
        "cooldown_branches": [10 * tokens_per_step],
        "eval_tokens": 512,
        "text": str(text),
    }
    out = tmp_path / "rows.csv"
    write_run_rows(config, out, train_log=tmp_path / "train.log", ladder="t")
    rows = pd.read_csv(out)
    assert list(rows["D"]) == [10 * tokens_per_step, 30 * tokens_per_step]
    assert set(rows["kind"]) == {"final"} and set(rows["run"]) == {"n01"}
    assert (rows["C"] == 6 * rows["N"] * rows["D"]).all()
    assert "run n01 done" in (tmp_path / "train.log").read_text()


def test_a_ladders_fit_tables_its_own_budgets(tmp_path) -> None:
    """The fit step tables the allocation at the budgets a ladder's spec names; runs drawn
    without noise from Epoch's law give back Epoch's eq. 4 optimum there."""
    from llmplan.fit.synthetic import synthetic_isoflop
    from llmplan.steps.fit import write_fit

    runs = synthetic_isoflop(EPOCH_2024, [1e18, 3e18, 1e19, 3e19], 7, noise_sd=0.0, seed=1)
    runs.dropna(axis="columns", how="all").to_csv(tmp_path / "runs.csv", index=False)
    spec = {"path": "runs.csv", "bootstrap": 0, "seed": 0, "budgets": [1e20, 1e21]}
    write_fit(tmp_path / "runs.csv", tmp_path / "fit.json", dataset="lab", spec=spec)
    table = json.loads((tmp_path / "fit.json").read_text())["allocation"]
    assert [row["C"] for row in table] == [1e20, 1e21]
    e = EPOCH_2024
    for row in table:
        n_opt, _ = eq4_optimum(row["C"], e["A"], e["B"], e["alpha"], e["beta"])
        assert row["N_opt"] == pytest.approx(float(n_opt), rel=1e-3)
