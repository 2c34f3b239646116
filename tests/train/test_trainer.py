"""Real (tiny) training runs: determinism, learning, held-out rows and WSD cooldown branches."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from llmplan.cli import main as llmplan_main  # noqa: E402
from llmplan.core.errors import InputError  # noqa: E402
from llmplan.train.config import total_steps  # noqa: E402
from llmplan.train.rows import ROW_COLUMNS  # noqa: E402
from llmplan.train.trainer import prepare_split, train_run  # noqa: E402


def main(argv: list[str]) -> int:
    return llmplan_main(["train", *argv])


TOKENS_PER_STEP = 8 * 32


@pytest.fixture(scope="module")
def split(synthetic_corpus):
    return prepare_split(synthetic_corpus)


def test_same_seed_same_losses_bit_for_bit(synthetic_corpus, split, tiny_config) -> None:
    config = tiny_config(tokens=30 * TOKENS_PER_STEP)
    a = train_run(config, corpus=synthetic_corpus, split=split)
    b = train_run(config, corpus=synthetic_corpus, split=split)
    assert a.train_losses == b.train_losses
    assert [r.loss for r in a.rows] == [r.loss for r in b.rows]
    c = train_run(
        tiny_config(tokens=30 * TOKENS_PER_STEP, seed=8), corpus=synthetic_corpus, split=split
    )
    assert c.train_losses != a.train_losses


def test_loss_decreases_and_rows_carry_n_d_c(synthetic_corpus, split, tiny_config) -> None:
    result = train_run(tiny_config(), corpus=synthetic_corpus, split=split)
    losses = [r.loss for r in result.rows]
    assert [r.step for r in result.rows] == [20, 40, 60]
    assert [r.kind for r in result.rows] == ["checkpoint", "checkpoint", "final"]
    assert losses[0] < 5.0  # below ln 256 = 5.55 of a uniform guess
    assert losses[-1] < losses[0] - 0.3
    for row in result.rows:
        assert row.tokens == row.step * TOKENS_PER_STEP
        assert row.flops == 6 * row.n_params * row.tokens
        assert row.flops_attn > row.flops  # attention adds FLOPs
    record = result.records()[-1]
    assert list(record) == list(ROW_COLUMNS)
    assert record["text"] == "synthetic"
    assert record["text_sha256"] == synthetic_corpus.sha256


def test_cooldown_branches_equal_straight_wsd_runs(synthetic_corpus, split, tiny_config) -> None:
    wsd = {"schedule": "wsd", "eval_every_tokens": 0}
    long = tiny_config(
        tokens=60 * TOKENS_PER_STEP,
        cooldown_branches=(20 * TOKENS_PER_STEP, 40 * TOKENS_PER_STEP),
        **wsd,
    )
    # 60 steps + cooldowns of round(0.2 * 20) = 4 and 8 steps
    assert total_steps(long) == 72
    branched = train_run(long, corpus=synthetic_corpus, split=split)
    finals = branched.final_rows
    assert [r.step for r in finals] == [20, 40, 60]
    for row in finals:
        straight = train_run(
            tiny_config(tokens=row.tokens, **wsd), corpus=synthetic_corpus, split=split
        )
        assert straight.final_loss == row.loss
    straight_long = train_run(
        tiny_config(tokens=60 * TOKENS_PER_STEP, **wsd), corpus=synthetic_corpus, split=split
    )
    assert straight_long.train_losses == branched.train_losses


def test_warmup_into_a_branch_cooldown_is_refused(synthetic_corpus, split, tiny_config) -> None:
    config = tiny_config(
        schedule="wsd",
        warmup_tokens=18 * TOKENS_PER_STEP,
        cooldown_branches=(20 * TOKENS_PER_STEP,),
    )
    with pytest.raises(InputError, match="warmup of 18 steps runs into the cooldown"):
        train_run(config, corpus=synthetic_corpus, split=split)


def test_command_line_writes_rows(tmp_path, synthetic_corpus, tiny_config) -> None:
    text = tmp_path / "text.txt"
    text.write_bytes(synthetic_corpus.text)
    configs = [
        {**tiny_config(run=name, tokens=10 * TOKENS_PER_STEP).to_dict(), "text": str(text)}
        for name in ("a", "b")
    ]
    configs[1]["shape"]["d_model"] = 16
    configs[1]["shape"]["d_ff"] = 32
    (tmp_path / "ladder.json").write_text(json.dumps(configs))
    out = tmp_path / "runs.csv"
    assert (
        main(
            [
                "--config",
                str(tmp_path / "ladder.json"),
                "--out",
                str(out),
                "--final-only",
                "--no-progress",
            ]
        )
        == 0
    )
    lines = out.read_text().splitlines()
    assert lines[0].startswith("N,D,C,loss,run,step,kind")
    assert [line.split(",")[4] for line in lines[1:]] == ["a", "b"]
    assert "run b done" in (tmp_path / "runs.csv.log").read_text()


def test_command_line_reports_a_bad_config(tmp_path, capsys) -> None:
    (tmp_path / "bad.json").write_text('{"run": "x"}')
    assert main(["--config", str(tmp_path / "bad.json"), "--out", str(tmp_path / "o.csv")]) == 2
    assert "bad.json" in capsys.readouterr().err
