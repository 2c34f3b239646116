"""The helper that finds English left in a translated page (tests/report/english.py)."""

from __future__ import annotations

from report.english import citations, english_runs, visible_text


def test_finds_english_sentences_and_untranslated_names():
    assert english_runs("466 interruptions in 54 days, effective time >90%") == [
        "interruptions in days effective time"
    ]
    assert english_runs("Epoch AI refit of Chinchilla approach 3") == ["refit of approach"]
    assert english_runs("不可行：no layout fits in memory。") == ["no layout fits in memory"]


def test_lets_names_units_code_and_short_terms_pass():
    text = (
        "由 llmplan 的结构规则（llmplan.arch.families）给出：d_model / n_layers，"
        "Kaplan et al. 2020（第 3.1 节），GQA 64/8，SwiGLU 28672，1440万 token，"
        "NVIDIA H100 SXM5 80GB，Megatron-LM，sqrt(2)，fp8，Hoffmann's N"
    )
    assert english_runs(text) == []
    # two English words are a term, not a sentence; CJK between words ends a run
    assert english_runs("RoPE 位置编码，RMSNorm，grouped query 注意力 heads") == []


def test_skips_code_charts_and_citations_and_the_callers_names():
    html = (
        "<p>在预算中加上 <code>price per hour now</code>，"
        '<span class="cite">Scaling Laws for Fine-Grained Mixture of Experts</span>。</p>'
        "<svg><text>memory per accelerator</text></svg><p>one two</p><p>three</p>"
    )
    assert english_runs(visible_text(html)) == []
    title = "Krajewski et al. 2024, Scaling Laws for Fine-Grained Mixture of Experts"
    assert english_runs(f"{title}：计算最优", proper_names=[title]) == []
    assert english_runs(f"{title}：计算最优") != []


def test_citations_are_collected_from_message_arguments():
    section = {"messages": {"x": {"code": "c", "args": {"citation": "A et al. 2020, s1"}}}}
    assert citations(section) == ["A et al. 2020, s1"]
