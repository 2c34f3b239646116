"""Memory per accelerator: ZeRO's state formulas, Korthikanti's activations, the issue's cases."""

from __future__ import annotations

import pytest
from run_shapes import GPT3, LLAMA2_7B, LLAMA3_405B

from llmplan.arch.counts import param_counts
from llmplan.arch.shape import ModelShape
from llmplan.run.memory import activation_bytes_per_layer, layers_in_flight, memory_per_gpu
from llmplan.run.parallel import Layout, Numerics, stage_layers

GPT_NUMERICS = Numerics(dropout=True)


def sbh(shape: ModelShape, b: int = 1) -> float:
    return shape.seq_len * b * shape.d_model


@pytest.mark.parametrize(
    ("tp", "sequence_parallel", "recompute", "per_sbh"),
    [
        # Korthikanti et al. 2022, Table 2, with a = 96, s = 2048, h = 12288: 5as/h = 80 (s5),
        # so 5as/(ht) = 10 at t = 8. Each value below is worked by hand from the table's row.
        (1, False, "none", 34 + 80),  # no parallelism: sbh(34 + 5as/h)
        (8, False, "none", 10 + 24 / 8 + 10),  # tensor parallel: sbh(10 + 24/t + 5as/(ht))
        (8, True, "none", 34 / 8 + 10),  # + sequence parallel: sbh(34/t + 5as/(ht))
        (8, False, "selective", 10 + 24 / 8),  # + selective recomputation: sbh(10 + 24/t)
        (8, True, "selective", 34 / 8),  # + both: sbh(34/t)
        (8, False, "full", 2),  # full recomputation: sbh(2)
    ],
)
def test_activations_per_layer_are_korthikantis_table_2(tp, sequence_parallel, recompute, per_sbh):
    layout = Layout(
        tp=tp, sequence_parallel=sequence_parallel, recompute=recompute, flash_attention=False
    )
    got = activation_bytes_per_layer(GPT3, layout, GPT_NUMERICS)
    assert got == pytest.approx(per_sbh * sbh(GPT3), rel=1e-12)


def test_gpt3_hand_computed_case_in_bytes():
    """Tensor parallel 8, no sequence parallelism, no recomputation, micro-batch 1:
    2048 x 12288 x (10 + 3 + 10) = 578,813,952 bytes per layer (Korthikanti Table 2, row 2)."""
    layout = Layout(tp=8, sequence_parallel=False, recompute="none", flash_attention=False)
    assert activation_bytes_per_layer(GPT3, layout, GPT_NUMERICS) == 578_813_952


def test_selective_recomputation_saves_what_the_paper_says():
    """Korthikanti s5: for GPT-3 selective recomputation saves 70% of activation memory
    (80 / (34 + 80) = 70.2%)."""
    full = Layout(tp=8, recompute="none", flash_attention=False)
    selective = Layout(tp=8, recompute="selective", flash_attention=False)
    saved = 1 - activation_bytes_per_layer(GPT3, selective, GPT_NUMERICS) / (
        activation_bytes_per_layer(GPT3, full, GPT_NUMERICS)
    )
    assert saved == pytest.approx(0.70, abs=0.005)


def test_flash_attention_stores_no_score_matrix():
    """Dao et al. 2022 s3.1: only the output and the softmax statistics (4 a s b bytes) stay."""
    flash = Layout(tp=8, recompute="none", flash_attention=True)
    expected = (34 / 8) * sbh(GPT3) + 4 * 96 * 2048 / 8
    assert activation_bytes_per_layer(GPT3, flash, GPT_NUMERICS) == pytest.approx(expected)


def test_first_pipeline_stage_stores_all_layers_worth():
    """Korthikanti s4.2.3: with 1F1B the first stage holds p micro-batches of L/p layers = L;
    interleaved with v chunks, L (1 + (p - 1)/(p v))."""
    first, _, _ = stage_layers(96, 8)
    assert layers_in_flight(Layout(pp=8), 0, first, 64) == 96
    assert layers_in_flight(Layout(pp=8, virtual_stages=3), 0, first, 64) == pytest.approx(
        96 * (1 + 7 / 24)
    )
    assert layers_in_flight(Layout(pp=8), 0, first, 2) == 24  # only two micro-batches a step


@pytest.mark.parametrize(
    ("zero", "per_param"),
    [
        # ZeRO (Rajbhandari et al. 2020) Figure 1 with K = 12 over N_d = 64 ranks
        (0, 16.0),
        (1, 4 + 12 / 64),
        (2, 2 + 14 / 64),
        (3, 16 / 64),
    ],
)
def test_model_state_follows_zero_stages(zero, per_param):
    layout = Layout(dp=64, zero=zero, recompute="full")
    mem = memory_per_gpu(LLAMA2_7B, layout, memory_gb=80, microbatches=1)
    n = param_counts(LLAMA2_7B).total
    assert mem.weights + mem.gradients + mem.optimizer == pytest.approx(per_param * n)


def test_7b_with_adam_does_not_fit_one_80gb_gpu_but_fits_two_with_zero3():
    """The issue's case: 16 bytes x 6.74B = 108 GB of state on one 80 GB GPU cannot fit, whatever
    the activations; ZeRO-3 over two halves it and fits; optimizer offload also fits one."""
    one = memory_per_gpu(LLAMA2_7B, Layout(recompute="full"), memory_gb=80, microbatches=1)
    assert one.weights + one.gradients + one.optimizer > 80e9
    assert not one.fits
    two = memory_per_gpu(
        LLAMA2_7B, Layout(dp=2, zero=3, recompute="full"), memory_gb=80, microbatches=1
    )
    assert two.fits
    offload = memory_per_gpu(
        LLAMA2_7B,
        Layout(recompute="full"),
        memory_gb=80,
        microbatches=1,
        numerics=Numerics(offload_optimizer=True),
    )
    assert offload.fits


@pytest.mark.parametrize("dp", [64, 128])
def test_llama3_405b_published_layout_fits_80gb(dp):
    """Llama 3 Table 4: TP 8, PP 16, no activation checkpointing at 8K, optimizer states and
    gradients sharded (s3.3.2); one sequence per micro-batch."""
    layout = Layout(tp=8, pp=16, dp=dp, virtual_stages=4, zero=2, recompute="none")
    mem = memory_per_gpu(
        LLAMA3_405B, layout, memory_gb=80, microbatches=2048 / dp, numerics=Numerics(grad_bytes=4)
    )
    assert mem.fits, mem.to_dict()
    assert mem.stage == "first"  # the first stage holds the most micro-batches in flight


def test_expert_parallelism_splits_only_the_experts():
    """An MoE layer's experts split over ep ranks (weights / ep); the optimizer states are
    sharded over all data-parallel ranks either way (ZeRO-1: each expert over dp / ep copies)."""
    moe = ModelShape(
        family="moe", n_layers=32, d_model=4096, n_heads=32, n_kv_heads=8, d_ff=14336,
        vocab=32000, seq_len=4096, experts=8, active_experts=2,
    )  # fmt: skip
    counts = param_counts(moe)
    experts = 32 * 8 * counts.mlp_per_expert
    dense = counts.total - experts
    for ep in (1, 2, 8):
        mem = memory_per_gpu(moe, Layout(dp=8, ep=ep, zero=1), memory_gb=80, microbatches=1)
        assert mem.weights == pytest.approx(2 * (dense + experts / ep))
        assert mem.optimizer == pytest.approx(12 * (dense + experts) / 8)
