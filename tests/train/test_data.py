"""Byte tokens, the interleaved held-out split, seeded batches and the corpus loaders."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from llmplan.core.errors import InputError
from llmplan.train.data import (
    KJV_VERSES,
    batch_starts,
    decode,
    encode,
    eval_windows,
    heldout_mask,
    kjv_text,
    load_corpus,
    load_kjv,
    split_tokens,
    train_batch,
)


def marked_text(n_blocks: int, block_len: int) -> bytes:
    """Block k is filled with the byte ``k % 256``: every byte tells which block it came from."""
    return b"".join(bytes([k % 256]) * block_len for k in range(n_blocks))


def test_bytes_round_trip() -> None:
    text = "In the beginning — Ἐν ἀρχῇ\n".encode()
    tokens = encode(text)
    assert tokens.dtype == np.uint8
    assert len(tokens) == len(text)
    assert decode(tokens) == text


def test_every_tenth_block_is_held_out() -> None:
    assert heldout_mask(20).nonzero()[0].tolist() == [9, 19]
    split = split_tokens(encode(marked_text(30, 16) + b"\x07" * 5), block_len=16)
    assert len(split.heldout) == 3 * 16
    assert len(split.train) == 27 * 16 + 5  # the partial tail block trains
    assert sorted(set(split.heldout.tolist())) == [9, 19, 29]
    assert not {9, 19, 29} & set(split.train[:-5].tolist())


def test_training_batches_never_see_heldout_text() -> None:
    split = split_tokens(encode(marked_text(200, 64)), block_len=64)
    held = {k for k in range(200) if k % 10 == 9}
    for step in range(20):
        batch = train_batch(split, seed=3, step=step, batch_size=16, seq_len=32)
        assert batch.shape == (16, 33)
        assert not held & set(batch.ravel().tolist())
    evaluation = eval_windows(split, eval_tokens=1000, seq_len=32)
    assert evaluation.shape == (32, 33)  # ceil(1000 / 32) windows
    assert set(evaluation.ravel().tolist()) <= held
    # contiguous, non-overlapping: window j starts at held-out token j * 32
    np.testing.assert_array_equal(evaluation[:, 0], split.heldout[np.arange(32) * 32])


def test_batches_depend_only_on_seed_and_step() -> None:
    a = batch_starts(10_000, seed=1, step=5, batch_size=8, seq_len=16)
    b = batch_starts(10_000, seed=1, step=5, batch_size=8, seq_len=16)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, batch_starts(10_000, seed=1, step=6, batch_size=8, seq_len=16))
    assert not np.array_equal(a, batch_starts(10_000, seed=2, step=5, batch_size=8, seq_len=16))
    starts = batch_starts(100, seed=0, step=0, batch_size=10_000, seq_len=16)
    assert starts.min() == 0
    assert starts.max() == 100 - 17  # the last window ends on the last token


def test_eval_tokens_beyond_the_heldout_text_are_refused() -> None:
    split = split_tokens(encode(marked_text(20, 16)), block_len=16)
    with pytest.raises(ValueError, match="held-out stream has 32"):
        eval_windows(split, eval_tokens=64, seq_len=16)


def test_kjv_references_are_stripped() -> None:
    raw = b"Ge1:1 In the beginning.\n1Cor13:4 Charity suffereth long.\nRev22:21 Amen.\n"
    assert kjv_text(raw) == b"In the beginning.\nCharity suffereth long.\nAmen.\n"


def test_a_text_file_is_read_and_hashed(tmp_path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"abc")
    corpus = load_corpus(str(path))
    assert corpus.text == b"abc"
    assert corpus.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    with pytest.raises(InputError, match="cannot read the text file"):
        load_corpus(str(tmp_path / "missing.txt"))


def test_missing_kjv_program_says_how_to_install() -> None:
    with pytest.raises(InputError, match="apt-get install bible-kjv bible-kjv-text"):
        load_kjv(program="no-such-bible-program")


@pytest.mark.skipif(shutil.which("bible") is None, reason="Debian's bible-kjv is not installed")
def test_kjv_corpus() -> None:
    corpus = load_kjv()
    assert corpus.text.startswith(b"In the beginning God created the heaven and the earth.\n")
    assert corpus.text.endswith(b"The grace of our Lord Jesus Christ be with you all. Amen.\n")
    assert corpus.text.count(b"\n") == KJV_VERSES
