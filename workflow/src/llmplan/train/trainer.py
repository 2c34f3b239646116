"""Train one run for real and report its held-out loss at checkpoints: rows of (N, D, C, loss).

``train_run(config)`` builds :class:`~llmplan.train.model.Decoder` from ``config.shape`` after
``torch.manual_seed(config.seed)``, and trains it with AdamW (Loshchilov & Hutter 2019,
arXiv:1711.05101; decoupled weight decay on weight matrices only, none on RMSNorm gains) under the
schedule of :mod:`llmplan.train.schedule`, on batches of :mod:`llmplan.train.data` drawn from
(seed, step). Every ``eval_every_tokens`` tokens and at the end it measures the held-out loss:
mean next-token cross-entropy in nats per token (per byte) over the fixed held-out windows.

Each row reports N (all parameters, embeddings included: :func:`~llmplan.train.model.param_count`),
D (training tokens seen so far) and C = 6 N D (Kaplan et al. 2020, arXiv:2001.08361, eq. 2.1;
Hoffmann et al. 2022, arXiv:2203.15556, s3), as the fits of :mod:`llmplan.fit` read them, and also
``C_attn``, the training FLOPs counted with attention (PaLM's App. B convention; see
:func:`~llmplan.train.model.train_flops_per_token_attn`). Rows are :mod:`llmplan.train.rows`.

Rows of kind ``"final"`` end an annealed schedule (cosine decayed, or a WSD cooldown finished):
they are the points to fit an IsoFLOP profile on (Hoffmann et al. 2022, approach 2). Rows of kind
``"checkpoint"`` lie inside a run, before its learning rate has decayed: a training curve
(approach 1), not a final loss. For a WSD run with ``cooldown_branches``, each branch length S_i
(in steps) copies the model and optimizer state at the start of its cooldown, step S_i - K_i, runs
that cooldown, records a final row, and restores the state: because the stable phase is the same
for every length and batch s depends only on (seed, s), the branch equals a straight WSD run of
S_i steps bit for bit (Hägele et al. 2024, arXiv:2405.18392, s5). The branches cost
sum K_i extra steps instead of sum S_i.

Determinism: ``torch.manual_seed``, ``torch.use_deterministic_algorithms(True)`` and a fixed
``torch.set_num_threads(config.threads)`` while the run trains (the previous settings are restored
afterwards). On the CPU the same config, thread count and torch build give the same losses bit for
bit; another thread count changes the order of floating-point sums and so the last bits.
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from llmplan.core.compute import train_flops
from llmplan.core.errors import InputError, Where
from llmplan.train.config import RunConfig, branch_steps, total_steps
from llmplan.train.data import Corpus, Split, eval_windows, load_corpus, split_tokens, train_batch
from llmplan.train.data import encode as encode_bytes
from llmplan.train.model import (
    Decoder,
    non_embedding_param_count,
    param_count,
    train_flops_per_token_attn,
)
from llmplan.train.rows import EvalRow, RowKind, TrainResult
from llmplan.train.schedule import cooldown_start, lr_at

#: Callback ``progress(steps_done, steps_total, train_loss)`` after every optimizer step.
ProgressFn = Callable[[int, int, float], None]


def prepare_split(corpus: Corpus) -> Split:
    """Byte tokens of ``corpus`` split into training and held-out streams (defaults of data)."""
    return split_tokens(encode_bytes(corpus.text))


@contextlib.contextmanager
def deterministic_torch(*, threads: int) -> Iterator[None]:
    """Fix torch's thread count and ask for deterministic kernels; restore both on exit."""
    old_threads = torch.get_num_threads()
    old_det = torch.are_deterministic_algorithms_enabled()
    old_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(old_det, warn_only=old_warn)
        torch.set_num_threads(old_threads)


def build_optimizer(model: Decoder, config: RunConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices (embedding, projections, head), none on norm gains."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=config.peak_lr, betas=config.betas, foreach=False)


@torch.no_grad()
def heldout_loss(model: Decoder, eval_batches: Sequence[torch.Tensor]) -> float:
    """Mean next-token cross-entropy (nats per token) over all held-out windows."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for batch in eval_batches:
        logits = model(batch[:, :-1])
        targets = batch[:, 1:]
        total += F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum"
        ).item()
        count += targets.numel()
    model.train(was_training)
    return total / count


def _check_schedule(config: RunConfig, branch_steps: Sequence[int]) -> None:
    where = Where("run config", entry=config.run)
    if config.schedule == "cosine" and config.warmup_steps >= config.steps:
        raise InputError(
            where.at("warmup_tokens"),
            f"warmup of {config.warmup_steps} steps fills the whole run of {config.steps}",
            expected="warmup_tokens well below tokens",
        )
    for steps in (*branch_steps, config.steps):
        if config.schedule == "wsd":
            start = cooldown_start(steps, cooldown_fraction=config.cooldown_fraction)
            if config.warmup_steps > start:
                raise InputError(
                    where.at("warmup_tokens"),
                    f"warmup of {config.warmup_steps} steps runs into the cooldown of a "
                    f"{steps}-step schedule, which starts at step {start}",
                    expected="a shorter warmup, or longer cooldown branches",
                )


def train_run(
    config: RunConfig,
    *,
    corpus: Corpus | None = None,
    split: Split | None = None,
    progress: ProgressFn | None = None,
) -> TrainResult:
    """Train ``config`` and evaluate it on held-out text.

    Parameters
    ----------
    config
        The run (see :class:`~llmplan.train.config.RunConfig`).
    corpus
        The text; loaded from ``config.text`` when not given.
    split
        Train and held-out streams of ``corpus`` (to reuse across runs); made from ``corpus``
        with the default block split when not given.
    progress
        Called after every optimizer step with (steps done, steps in all, training loss).

    Returns
    -------
    TrainResult
        Held-out rows at every ``eval_every_tokens`` and at the end of every schedule.

    Raises
    ------
    InputError
        When the corpus is missing, the held-out text is shorter than ``eval_tokens``, or the
        warmup does not fit the schedule.
    """
    corpus = corpus if corpus is not None else load_corpus(config.text)
    split = split if split is not None else prepare_split(corpus)
    branches = branch_steps(config)
    _check_schedule(config, branches)
    shape = config.shape
    try:
        eval_np = eval_windows(split, eval_tokens=config.eval_tokens, seq_len=shape.seq_len)
    except ValueError as err:
        raise InputError(
            Where("run config", entry=config.run, field="eval_tokens"), str(err)
        ) from None
    eval_batches = [
        torch.from_numpy(eval_np[i : i + config.batch_size])
        for i in range(0, len(eval_np), config.batch_size)
    ]
    with deterministic_torch(threads=config.threads):
        return _Trainer(config, corpus, split, eval_batches, branches, progress).run()


class _Trainer:
    """The mutable state of one :func:`train_run` (model, optimizer, clocks)."""

    def __init__(
        self,
        config: RunConfig,
        corpus: Corpus,
        split: Split,
        eval_batches: list[torch.Tensor],
        branches: tuple[int, ...],
        progress: ProgressFn | None,
    ) -> None:
        self.config = config
        self.corpus = corpus
        self.split = split
        self.eval_batches = eval_batches
        self.branches = branches
        self.progress = progress
        self.steps_total = total_steps(config)
        self.steps_done = 0
        torch.manual_seed(config.seed)
        self.model = Decoder(config.shape)
        self.optimizer = build_optimizer(self.model, config)
        self.n_params = param_count(config.shape)
        self.n_nonembedding = non_embedding_param_count(config.shape)
        self.flops_per_token_attn = train_flops_per_token_attn(config.shape)
        self.train_seconds = 0.0
        self.train_tokens = 0
        self.started = time.perf_counter()
        self.rows: list[EvalRow] = []

    def run(self) -> TrainResult:
        config = self.config
        starts: dict[int, list[int]] = {}
        for steps in self.branches:
            begin = cooldown_start(steps, cooldown_fraction=config.cooldown_fraction)
            starts.setdefault(begin, []).append(steps)
        every = config.eval_every_tokens
        tps = config.tokens_per_step
        losses: list[float] = []
        since_row: list[float] = []
        lr = config.peak_lr
        for step in range(config.steps):
            for steps in starts.get(step, []):
                self._branch(step, steps)
            lr = self._lr(step, config.steps)
            loss = self._step(step, lr)
            losses.append(loss)
            since_row.append(loss)
            done = step + 1
            last = done == config.steps
            if last or (every and (done * tps) // every > (step * tps) // every):
                kind: RowKind = "final" if last else "checkpoint"
                self._record(done, config.steps, kind, float(np.mean(since_row)), lr)
                since_row = []
        return TrainResult(
            config=config,
            rows=tuple(self.rows),
            train_losses=tuple(losses),
            n_params=self.n_params,
            tokens_per_s=self._tokens_per_s(),
            seconds=time.perf_counter() - self.started,
            text=self.corpus.name,
            text_sha256=self.corpus.sha256,
        )

    def _lr(self, step: int, steps: int) -> float:
        c = self.config
        return lr_at(
            step,
            total_steps=steps,
            peak_lr=c.peak_lr,
            warmup_steps=c.warmup_steps,
            schedule=c.schedule,
            cooldown_fraction=c.cooldown_fraction,
            cooldown_shape=c.cooldown_shape,
            min_lr_ratio=c.min_lr_ratio,
        )

    def _step(self, step: int, lr: float) -> float:
        c = self.config
        batch = torch.from_numpy(
            train_batch(
                self.split, seed=c.seed, step=step, batch_size=c.batch_size, seq_len=c.shape.seq_len
            )
        )
        began = time.perf_counter()
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        loss = self.model.loss(batch[:, :-1], batch[:, 1:])
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if c.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), c.grad_clip, foreach=False)
        self.optimizer.step()
        value = loss.item()
        self.train_seconds += time.perf_counter() - began
        self.train_tokens += c.tokens_per_step
        self.steps_done += 1
        if self.progress is not None:
            self.progress(self.steps_done, self.steps_total, value)
        return value

    def _branch(self, start: int, steps: int) -> None:
        """Cool down from the state before step ``start`` to the end of a ``steps``-step WSD."""
        model_state = copy.deepcopy(self.model.state_dict())
        optimizer_state = copy.deepcopy(self.optimizer.state_dict())
        losses = []
        lr = self.config.peak_lr
        for step in range(start, steps):
            lr = self._lr(step, steps)
            losses.append(self._step(step, lr))
        self._record(steps, steps, "final", float(np.mean(losses)), lr)
        self.model.load_state_dict(model_state)
        self.optimizer.load_state_dict(optimizer_state)

    def _record(
        self, step: int, schedule_steps: int, kind: RowKind, train_loss: float, lr: float
    ) -> None:
        tokens = step * self.config.tokens_per_step
        self.rows.append(
            EvalRow(
                run=self.config.run,
                step=step,
                n_params=self.n_params,
                n_nonembedding=self.n_nonembedding,
                tokens=tokens,
                flops=float(train_flops(self.n_params, tokens)),
                flops_attn=self.flops_per_token_attn * tokens,
                loss=heldout_loss(self.model, self.eval_batches),
                kind=kind,
                schedule_tokens=schedule_steps * self.config.tokens_per_step,
                train_loss=train_loss,
                lr=lr,
                tokens_per_s=self._tokens_per_s(),
                seconds=time.perf_counter() - self.started,
            )
        )

    def _tokens_per_s(self) -> float:
        return self.train_tokens / self.train_seconds if self.train_seconds > 0 else float("nan")
