"""Published shapes the run-stage tests share."""

from __future__ import annotations

from llmplan.arch.shape import ModelShape

#: GPT-3 175B (Brown et al. 2020 Table 2.1): the case Korthikanti et al. 2022 work through.
GPT3 = ModelShape(
    family="gpt3", n_layers=96, d_model=12288, n_heads=96, n_kv_heads=96, d_ff=4 * 12288,
    vocab=51200, seq_len=2048, mlp="gelu", positions="learned", norm="layer", biases=True,
    tied_embeddings=True,
)  # fmt: skip
#: Llama 2 7B (Touvron et al. 2023b, Table 1 shape; 6,738,415,616 parameters).
LLAMA2_7B = ModelShape(
    family="llama", n_layers=32, d_model=4096, n_heads=32, n_kv_heads=32, d_ff=11008,
    vocab=32000, seq_len=4096,
)  # fmt: skip
#: Llama 3 405B (Llama Team 2024, Table 3; vocabulary as released).
LLAMA3_405B = ModelShape(
    family="llama", n_layers=126, d_model=16384, n_heads=128, n_kv_heads=8, d_ff=53248,
    vocab=128_256, seq_len=8192,
)  # fmt: skip
