"""The published runs themselves: shapes, layouts and throughput as their papers state them.

See :mod:`llmplan.run.published` for the conventions and roles; sources are on every entry and
the verified facts and derivations in the project's run notes.
"""

from __future__ import annotations

from typing import Final

from llmplan.arch.shape import ModelShape
from llmplan.run.parallel import Numerics
from llmplan.run.published import PublishedRun, Role


def _gpt(
    name: str, layers: int, hidden: int, heads: int, vocab: int, seq: int = 2048
) -> ModelShape:
    """A GPT-style shape: MHA, GeLU MLP of 4h, learned positions, LayerNorm, biases."""
    return ModelShape(
        family="gpt3",
        n_layers=layers,
        d_model=hidden,
        n_heads=heads,
        n_kv_heads=heads,
        d_ff=4 * hidden,
        vocab=vocab,
        seq_len=seq,
        mlp="gelu",
        positions="learned",
        norm="layer",
        biases=True,
        tied_embeddings=True,
        name=name,
    )


_LLAMA3_405B = ModelShape(
    family="llama",
    n_layers=126,
    d_model=16384,
    n_heads=128,
    n_kv_heads=8,
    d_ff=53248,
    vocab=128_256,
    seq_len=8192,
    name="Llama 3 405B",
)
_LLAMA3: Final = (
    "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783, Table 3 and Table 4"
)
#: Megatron-LM 2021: fp32 gradient accumulation, no ZeRO, dropout, fused (not flash) softmax.
_MEGATRON_2021 = Numerics(grad_bytes=4.0, dropout=True)
_NARAYANAN: Final = "Narayanan et al. 2021, arXiv:2104.04473, Table 1"
_KORTHIKANTI: Final = "Korthikanti et al. 2022, arXiv:2205.05198, Tables 3 and 5, s6.3"
_MEGASCALE: Final = "Jiang et al. 2024 (MegaScale), arXiv:2402.15627, Tables 1-2, s6.1"
_OLD_MEGATRON = {
    "zero": 0,
    "dp_overlap": False,
    "sequence_parallel": False,
    "flash_attention": False,
    "numerics": _MEGATRON_2021,
}


_PALM = PublishedRun(
    id="palm-540b",
    name="PaLM 540B, 6,144 TPU v4",
    source="Chowdhery et al. 2022, arXiv:2204.02311, Table 1, s4, s4.1 (MFU 46.2%)",
    hardware="tpu-v4",
    shape=ModelShape(
        family="palm",
        n_layers=118,
        d_model=18432,
        n_heads=48,
        n_kv_heads=1,
        d_ff=4 * 18432,
        vocab=256_000,
        seq_len=2048,
        tied_embeddings=True,
        head_dim_override=256,
        name="PaLM 540B",
    ),
    published_params=540.35e9,
    tp=12,
    pp=1,
    dp=512,
    global_batch=2048,
    recompute="full",
    zero=3,
    flash_attention=False,
    network_gbps=26.4,
    metric="mfu",
    value=0.462,
    convention="palm",
    role="reported",
    why="the only TPU v4 run: it is predicted with the uncalibrated default (the mean of the "
    "GPU constants), and its ICI (269 GB/s, our estimate) and pod-to-pod bandwidth (26 Gb/s a "
    "chip, from the 81 Tbps burst of s4) are not vendor figures",
)


RUNS: Final[tuple[PublishedRun, ...]] = (
    PublishedRun(
        id="llama3-405b-8k",
        name="Llama 3 405B, 8,192 H100",
        source=_LLAMA3,
        hardware="h100-sxm",
        shape=_LLAMA3_405B,
        published_params=405e9,
        tp=8,
        pp=16,
        dp=64,
        global_batch=2048,
        microbatch=1,
        recompute="none",
        zero=1,
        numerics=Numerics(grad_bytes=4.0),
        metric="tflops_per_gpu",
        value=430,
        convention="palm",
        role="train",
        why="the H100 calibration point: the largest published H100 run with its full layout",
    ),
    PublishedRun(
        id="llama3-405b-16k",
        name="Llama 3 405B, 16,384 H100",
        source=_LLAMA3,
        hardware="h100-sxm",
        shape=_LLAMA3_405B,
        published_params=405e9,
        tp=8,
        pp=16,
        dp=128,
        global_batch=2048,
        microbatch=1,
        recompute="none",
        zero=1,
        numerics=Numerics(grad_bytes=4.0),
        metric="tflops_per_gpu",
        value=400,
        convention="palm",
        role="validation",
        why="same model, twice the data parallelism, half the micro-batches per pipeline",
    ),
    PublishedRun(
        id="llama3-405b-128k",
        name="Llama 3 405B, 16,384 H100, 128K context",
        source=_LLAMA3,
        hardware="h100-sxm",
        shape=ModelShape(**{**_LLAMA3_405B.__dict__, "seq_len": 131_072}),
        published_params=405e9,
        tp=8,
        cp=16,
        pp=16,
        dp=8,
        global_batch=128,
        microbatch=1,
        zero=1,
        numerics=Numerics(grad_bytes=4.0),
        metric="tflops_per_gpu",
        value=380,
        convention="palm",
        role="reported",
        why="its attention FLOPs (60% of the total at 128K) depend on a convention the paper "
        "does not state, so the published figure cannot be turned into tokens/s",
    ),
    PublishedRun(
        id="megatron-1t",
        name="Megatron-LM 1T, 3,072 A100",
        source=_NARAYANAN,
        hardware="a100-80gb",
        shape=_gpt("GPT 1T", 128, 25600, 160, 51200),
        published_params=1008e9,
        tp=8,
        pp=64,
        dp=6,
        global_batch=3072,
        recompute="full",
        metric="tflops_per_gpu",
        value=163,
        convention="megatron_hfu",
        role="train",
        why="an A100 calibration point: full recomputation, the deepest pipeline",
        **_OLD_MEGATRON,
    ),
    *(
        PublishedRun(
            id=f"megatron-{label}",
            name=f"Megatron-LM {label.upper()}, {tp * pp * dp:,} A100",
            source=_NARAYANAN,
            hardware="a100-80gb",
            shape=_gpt(f"GPT {label.upper()}", layers, hidden, heads, 51200),
            published_params=params,
            tp=tp,
            pp=pp,
            dp=dp,
            global_batch=batch,
            recompute="full",
            metric="tflops_per_gpu",
            value=tflops,
            convention="megatron_hfu",
            role="validation",
            why="same stack as the 1T point, another depth and data parallelism",
            **_OLD_MEGATRON,
        )
        for label, layers, hidden, heads, params, tp, pp, dp, batch, tflops in (
            ("530b", 105, 20480, 128, 529.6e9, 8, 35, 9, 2520, 163),
            ("310b", 96, 16384, 128, 310.1e9, 8, 16, 15, 2160, 155),
            ("146b", 80, 12288, 96, 145.6e9, 8, 8, 24, 2304, 148),
        )
    ),
    PublishedRun(
        id="narayanan-175b",
        name="GPT-3 175B PTD-P, 1,536 A100",
        source="Narayanan et al. 2021, arXiv:2104.04473, Table 2",
        hardware="a100-80gb",
        shape=_gpt("GPT-3 175B", 96, 12288, 96, 51200),
        published_params=174.6e9,
        tp=8,
        pp=12,
        dp=16,
        global_batch=1536,
        microbatch=1,
        recompute="full",
        metric="tflops_per_gpu",
        value=141,
        convention="megatron_hfu",
        role="validation",
        why="GPT-3's shape with the micro-batch stated",
        **_OLD_MEGATRON,
    ),
    PublishedRun(
        id="korthikanti-530b-dp8",
        name="MT-NLG 530B, selective recompute, 2,240 A100",
        source=_KORTHIKANTI,
        hardware="a100-80gb",
        shape=_gpt("MT-NLG 530B", 105, 20480, 128, 51200),
        published_params=529.6e9,
        tp=8,
        pp=35,
        dp=8,
        global_batch=2240,
        microbatch=1,
        virtual_stages=3,
        recompute="selective",
        zero=0,
        dp_overlap=False,
        flash_attention=False,
        numerics=_MEGATRON_2021,
        metric="mfu",
        value=0.542,
        convention="korthikanti_mfu",
        role="train",
        why="an A100 calibration point: selective recomputation with sequence parallelism",
    ),
    *(
        PublishedRun(
            id=f"korthikanti-{label}",
            name=f"{label.upper()} single replica, {tp * pp} A100",
            source=_KORTHIKANTI,
            hardware="a100-80gb",
            shape=_gpt(f"GPT {label.upper()}", layers, hidden, heads, 51200),
            published_params=params,
            tp=tp,
            pp=pp,
            dp=1,
            global_batch=batch,
            microbatch=micro,
            virtual_stages=virtual,
            recompute="selective",
            zero=0,
            dp_overlap=False,
            flash_attention=False,
            numerics=_MEGATRON_2021,
            metric="mfu",
            value=mfu,
            convention="korthikanti_mfu",
            role="validation",
            why="no data parallelism: tests compute, tensor and pipeline terms alone",
        )
        for label, layers, hidden, heads, params, tp, pp, batch, micro, virtual, mfu in (
            ("22b", 48, 6144, 64, 22e9, 8, 1, 4, 4, 1, 0.415),
            ("175b", 96, 12288, 96, 175e9, 8, 8, 64, 1, 3, 0.514),
            ("1t", 128, 25600, 160, 1e12, 8, 64, 512, 1, None, 0.563),
        )
    ),
    *(
        PublishedRun(
            id=f"megascale-megatron-175b-{gpus}",
            name=f"Megatron-LM 175B in MegaScale's Table 2, {gpus:,} A100",
            source=_MEGASCALE,
            hardware="a100-80gb",
            shape=_gpt("GPT 175B (MegaScale)", 96, 12288, 128, 64000),
            published_params=175e9,
            tp=8,
            pp=8,
            dp=gpus // 64,
            global_batch=6144,
            virtual_stages=6,
            dp_overlap=False,
            flash_attention=False,  # MegaScale s3.3 adds FlashAttention-2 to Megatron-LM
            metric="mfu",
            value=mfu,
            convention="causal",
            role="train" if gpus == 3072 else "validation",
            why="the baseline stack MegaScale measured at scale, batch 6,144",
        )
        for gpus, mfu in ((3072, 0.487), (12288, 0.412))
    ),
    PublishedRun(
        id="megascale-175b-12288",
        name="MegaScale 175B, 12,288 A100",
        source=_MEGASCALE + ", Table 3",
        hardware="a100-80gb",
        shape=_gpt("GPT 175B (MegaScale)", 96, 12288, 128, 64000),
        published_params=175e9,
        tp=8,
        pp=8,
        dp=192,
        global_batch=6144,
        virtual_stages=6,
        tp_overlap=1.0,
        metric="mfu",
        value=0.552,
        convention="causal",
        role="reported",
        why="its gain rests partly on model changes we do not represent (parallel blocks, "
        "sliding-window attention, LAMB), though its communication overlap is modelled",
    ),
    PublishedRun(
        id="opt-175b",
        name="OPT-175B, 992 A100",
        source="Zhang et al. 2022, arXiv:2205.01068, s2.4, Table 1; metaseq chronicles",
        hardware="a100-80gb",
        shape=_gpt("OPT-175B", 96, 12288, 96, 50272),
        published_params=175e9,
        tp=8,
        pp=1,
        dp=124,
        global_batch=1024,
        recompute="full",
        zero=3,
        sequence_parallel=False,
        flash_attention=False,
        numerics=Numerics(weight_bytes=2.0, grad_bytes=2.0, dropout=True),
        metric="tflops_per_gpu",
        value=147,
        convention="megatron_hfu",
        role="validation",
        why="fully sharded data parallelism (FSDP) with tensor parallelism",
    ),
    PublishedRun(
        id="bloom-176b",
        name="BLOOM-176B, 384 A100",
        source="BigScience tr11-176B-ml README (layout, 149.77 TFLOP/s); Le Scao et al. 2022",
        hardware="a100-80gb",
        shape=ModelShape(
            **{**_gpt("BLOOM-176B", 70, 14336, 112, 250_880).__dict__, "positions": "rope"}
        ),
        published_params=176.2e9,
        tp=4,
        pp=12,
        dp=8,
        global_batch=2048,
        microbatch=2,
        virtual_stages=1,
        recompute="full",
        zero=1,
        dp_overlap=False,
        sequence_parallel=False,
        flash_attention=False,
        network_gbps=50.0,
        numerics=Numerics(grad_bytes=4.0),
        metric="tflops_per_gpu",
        value=149.77,
        convention="megatron_hfu",
        role="validation",
        why="a slower network (4 Omni-Path links per 8 GPUs; 100 Gb/s a link, secondary)",
    ),
    _PALM,
)


def runs(role: Role | None = None) -> tuple[PublishedRun, ...]:
    """The published runs, or those of one role."""
    return tuple(r for r in RUNS if role is None or r.role == role)
