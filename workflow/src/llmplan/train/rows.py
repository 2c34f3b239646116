"""Rows a training run reports: one held-out evaluation each, and the result of a whole run.

A row carries N (every parameter, embeddings included), D (training tokens seen), C = 6 N D
(Kaplan et al. 2020, arXiv:2001.08361, eq. 2.1), the held-out loss, the run id and the step: the
canonical columns a runs CSV needs (:mod:`llmplan.io.runs_csv`), followed by what makes a row
traceable (schedule, learning rate, throughput, seed, threads, text and its SHA-256). Rows of
kind ``"final"`` end an annealed schedule (what an IsoFLOP fit wants); ``"checkpoint"`` rows lie
inside a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from llmplan.train.config import RunConfig

#: Columns of :meth:`TrainResult.records`, the canonical runs columns first.
ROW_COLUMNS: Final = (
    "N",
    "D",
    "C",
    "loss",
    "run",
    "step",
    "kind",
    "schedule_tokens",
    "C_attn",
    "N_nonembedding",
    "train_loss",
    "lr",
    "tokens_per_s",
    "seconds",
    "seed",
    "threads",
    "text",
    "text_sha256",
)

RowKind = Literal["checkpoint", "final"]


@dataclass(frozen=True)
class EvalRow:
    """One held-out evaluation of one run.

    Attributes
    ----------
    run, step
        Run id and optimizer steps done.
    n_params, n_nonembedding
        N (embeddings included) and Kaplan's non-embedding count.
    tokens
        D: training tokens seen by this model state.
    flops, flops_attn
        C = 6 N D, and the training FLOPs counted with attention.
    loss
        Held-out loss, nats per token.
    kind
        ``"final"`` (end of an annealed schedule) or ``"checkpoint"``.
    schedule_tokens
        Length in tokens of the schedule this state belongs to (the run's, or a branch's).
    train_loss
        Mean training loss of the steps since the previous row (for a cooldown branch: of the
        branch's cooldown steps).
    lr
        Learning rate of the last step taken.
    tokens_per_s, seconds
        Training throughput so far (evaluation excluded) and wall time since the run began.
    """

    run: str
    step: int
    n_params: int
    n_nonembedding: int
    tokens: int
    flops: float
    flops_attn: float
    loss: float
    kind: RowKind
    schedule_tokens: int
    train_loss: float
    lr: float
    tokens_per_s: float
    seconds: float

    def as_record(self, *, seed: int, threads: int, text: str, text_sha256: str) -> dict[str, Any]:
        """The row under :data:`ROW_COLUMNS` names."""
        return {
            "N": self.n_params,
            "D": self.tokens,
            "C": self.flops,
            "loss": self.loss,
            "run": self.run,
            "step": self.step,
            "kind": self.kind,
            "schedule_tokens": self.schedule_tokens,
            "C_attn": self.flops_attn,
            "N_nonembedding": self.n_nonembedding,
            "train_loss": self.train_loss,
            "lr": self.lr,
            "tokens_per_s": self.tokens_per_s,
            "seconds": self.seconds,
            "seed": seed,
            "threads": threads,
            "text": text,
            "text_sha256": text_sha256,
        }


@dataclass(frozen=True)
class TrainResult:
    """What :func:`train_run` measured.

    Attributes
    ----------
    config
        The run's config.
    rows
        Held-out evaluations in the order they were made (branch finals appear when their
        cooldown ran, before the main run's later checkpoints).
    train_losses
        Training loss of every step of the main trajectory (branch steps excluded).
    n_params
        N, embeddings included.
    tokens_per_s
        Training tokens per second over all steps, branches included, evaluation excluded.
    seconds
        Wall time of the whole run including evaluation.
    text, text_sha256
        Corpus name and the SHA-256 of its bytes.
    """

    config: RunConfig
    rows: tuple[EvalRow, ...]
    train_losses: tuple[float, ...]
    n_params: int
    tokens_per_s: float
    seconds: float
    text: str
    text_sha256: str

    @property
    def final_rows(self) -> tuple[EvalRow, ...]:
        """The rows that end an annealed schedule, shortest first."""
        return tuple(sorted((r for r in self.rows if r.kind == "final"), key=lambda r: r.tokens))

    @property
    def final_loss(self) -> float:
        """Held-out loss at the end of the run's own (longest) schedule."""
        return self.final_rows[-1].loss

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts under :data:`ROW_COLUMNS` (for a CSV or a DataFrame)."""
        c = self.config
        return [
            r.as_record(
                seed=c.seed, threads=c.threads, text=self.text, text_sha256=self.text_sha256
            )
            for r in self.rows
        ]
