"""Reference trainer: train small decoder-only language models for real and report their loss.

The optional extra ``train`` (``pip install -e '.[train]'``) brings torch (the CPU build 2.13.0)
and tqdm. The sub-package is a library plus a thin command line:

- :mod:`~llmplan.train.config`: :class:`RunConfig`, a frozen dataclass read from plain JSON, whose
  shape is the architecture stage's :class:`llmplan.arch.shape.ModelShape` (no torch needed);
- :mod:`~llmplan.train.schedule`: learning-rate schedules, cosine and warmup-stable-decay
  (no torch needed);
- :mod:`~llmplan.train.data`: the corpus (Debian's King James Bible by default), byte tokens, the
  held-out split and the seeded batches (numpy only);
- :mod:`~llmplan.train.model`: a Llama-style decoder (counts and FLOPs from :mod:`llmplan.arch`);
- :mod:`~llmplan.train.trainer`: ``train_run(config) -> TrainResult`` with rows
  (:mod:`~llmplan.train.rows`: N, D, C = 6 N D, held-out loss, run, step);
- :mod:`~llmplan.train.session`: a list of runs to a runs CSV with a log and a progress bar,
  behind ``llmplan train --config run.json --out runs.csv`` (:mod:`llmplan.cli.train`).

Importing this package, its config, schedule or data modules does not import torch.
"""

from llmplan.train.config import RunConfig, default_ffn_width, run_config_from_dict, trainer_shape

__all__ = ["RunConfig", "default_ffn_width", "run_config_from_dict", "trainer_shape"]
