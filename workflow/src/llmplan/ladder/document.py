"""A designed ladder as the trainer's run configs and as one JSON document.

Each job (one size; with reuse, its longest schedule and its cooldown branches) becomes one
:class:`~llmplan.train.config.RunConfig` that ``llmplan train`` reads: warmup-stable-decay with
the job's warmup, the ladder's cooldown fraction and shape, and the shorter token counts as
``cooldown_branches`` (Hägele et al. 2024, arXiv:2405.18392, s3 and s5). The document
(``ladder.json``, ``llmplan ladder --json``) lists the levels, one entry per run under ``runs``
(one per (level, size) point, with ``params``, ``tokens`` and ``flops`` = 6 N D), the jobs, and
the budget accounting: total cost, its fraction of the target, the cost without reuse and the
factor reuse saves.
"""

from __future__ import annotations

from typing import Any

from llmplan.ladder.design import Ladder, LadderJob, level_table
from llmplan.ladder.spec import LadderSpec
from llmplan.train.config import RunConfig


def config_file(job: LadderJob) -> str:
    """File name of a job's run config inside the ladder's folder."""
    return f"{job.job}.json"


def run_config(job: LadderJob, spec: LadderSpec) -> RunConfig:
    """The trainer's config of one job (every point of the job is one final row)."""
    tps = job.tokens_per_step
    return RunConfig(
        run=job.job,
        shape=job.shape,
        tokens=job.longest.tokens,
        batch_size=job.batch_size,
        peak_lr=job.peak_lr,
        warmup_tokens=job.warmup_steps * tps,
        schedule="wsd",
        cooldown_fraction=spec.cooldown_fraction,
        cooldown_shape=spec.cooldown_shape,  # type: ignore[arg-type]
        cooldown_branches=tuple(sorted(p.tokens for p in job.points if p.branch)),
        seed=spec.seed,
        eval_tokens=spec.eval_tokens,
        threads=spec.threads,
        text=spec.text,
        extra={
            "ladder": spec.name,
            "points": {p.run: {"level": p.level, "tokens": p.tokens} for p in job.points},
        },
    )


def run_configs(ladder: Ladder, spec: LadderSpec) -> dict[str, RunConfig]:
    """Run configs by file name, one per job."""
    return {config_file(job): run_config(job, spec) for job in ladder.jobs}


def ladder_document(ladder: Ladder, spec: LadderSpec) -> dict[str, Any]:
    """The JSON-ready description of ``ladder`` (see the module docstring)."""
    jobs = {job.job: job for job in ladder.jobs}
    return {
        "name": spec.name,
        "title": spec.title,
        "description": spec.description,
        "law": ladder.law_id,
        "target_flops": ladder.target_flops,
        "scenario": spec.scenario,
        "budget_flops": ladder.budget_flops,
        "budget_fraction": spec.budget_fraction,
        "total_flops": ladder.total_flops,
        "fraction_of_target": ladder.fraction_of_target,
        "naive_flops": ladder.naive_flops,
        "reuse_factor": ladder.reuse_factor,
        "reuse": ladder.reuse,
        "extrapolation": ladder.extrapolation,
        "exponent": ladder.exponent,
        "size_step": ladder.size_step,
        "level_ratio": ladder.level_ratio,
        "cooldown_fraction": ladder.cooldown_fraction,
        "levels": level_table(ladder),
        "runs": [
            {
                **p.to_dict(),
                "shape": _shape_summary(jobs[p.job]),
                "batch_size": jobs[p.job].batch_size,
                "peak_lr": jobs[p.job].peak_lr,
            }
            for p in ladder.points
        ],
        "jobs": [
            {
                "job": job.job,
                "config": config_file(job),
                "params": job.params,
                "nominal_params": job.nominal_params,
                "shape": job.shape.to_dict(),
                "batch_size": job.batch_size,
                "tokens_per_step": job.tokens_per_step,
                "peak_lr": job.peak_lr,
                "warmup_steps": job.warmup_steps,
                "steps": job.longest.steps,
                "tokens": job.longest.tokens,
                "branches": sorted(p.tokens for p in job.points if p.branch),
                "cost_flops": job.cost_flops,
            }
            for job in ladder.jobs
        ],
        "spec": spec.to_dict(),
    }


def _shape_summary(job: LadderJob) -> str:
    s = job.shape
    return f"{s.n_layers}x{s.d_model}, {s.n_heads} heads"
