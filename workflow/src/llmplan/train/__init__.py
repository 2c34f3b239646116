"""Reference trainer: train small decoder-only language models for real and report their loss.

The optional extra ``train`` (``pip install -e '.[train]'``) brings torch (the CPU build 2.13.0)
and tqdm. The sub-package is a library plus a thin command line:

- :mod:`~llmplan.train.config`: :class:`RunConfig` and :class:`ModelShape`, frozen dataclasses
  read from plain JSON (no torch needed);
- :mod:`~llmplan.train.schedule`: learning-rate schedules, cosine and warmup-stable-decay
  (no torch needed);
- :mod:`~llmplan.train.data`: the corpus (Debian's King James Bible by default), byte tokens, the
  held-out split and the seeded batches (numpy only);
- :mod:`~llmplan.train.model`: a Llama-style decoder, its exact parameter count and FLOPs;
- :mod:`~llmplan.train.trainer`: ``train_run(config) -> TrainResult`` with rows
  (N, D, C = 6 N D, held-out loss, run, step);
- :mod:`~llmplan.train.cli`: ``python -m llmplan.train --config run.json --out runs.csv``.

Importing this package, its config, schedule or data modules does not import torch.
"""

from llmplan.train.config import ModelShape, RunConfig, default_ffn_width, run_config_from_dict

__all__ = ["ModelShape", "RunConfig", "default_ffn_width", "run_config_from_dict"]
