"""Reading a user's file: a regular file, within a size limit, as UTF-8 text, or a clear error.

Every file a user names (a scenario, a catalog file, a config, a runs CSV, a fit.json on the
command line) is read here, so none can hang the run or exhaust memory:

- only regular files are read: a directory, a FIFO, a socket, a device such as ``/dev/zero`` and a
  symlink loop are refused before a byte is read (a FIFO would block forever, ``/dev/zero`` never
  ends);
- at most ``limit`` bytes are read; a larger file is refused with its size and the limit;
- the text must be UTF-8 (a byte-order mark is dropped); UTF-16 and UTF-32, which spreadsheet
  programs write as "Unicode text", are recognised by their byte-order mark and named.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path
from typing import Final

from llmplan.core.errors import InputError, Where

#: Bytes a YAML input (scenario, catalog file, config) may hold: 1 MiB, fifty times the shipped
#: catalog; checking a file of this size takes about a second.
MAX_YAML_BYTES: Final = 1 << 20
#: Bytes a runs CSV may hold: 64 MiB (200,000 rows of twenty columns).
MAX_CSV_BYTES: Final = 64 << 20
#: Bytes a fit.json named on the command line may hold.
MAX_JSON_BYTES: Final = 16 << 20

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _size(n: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def read_bytes(path: Path | str, where: Where | str, *, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or an :class:`InputError`.

    Parameters
    ----------
    path
        The file.
    where
        How errors name it (the path as the user wrote it, and the field that named it).
    limit
        Most bytes accepted.
    what
        What the file should be, for messages ("a runs CSV").
    """
    where = where if isinstance(where, Where) else Where(where)
    expected = f"{what} (a regular file of at most {_size(limit)})"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(where, "file not found", expected=expected) from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputError(where, "a symbolic link that loops", expected=expected) from None
        raise InputError(where, f"cannot read the file ({err.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(where, f"found {_kind(info.st_mode)}", expected=expected)
    if info.st_size > limit:
        raise InputError(where, f"the file holds {_size(info.st_size)}", expected=expected)
    try:
        # O_NONBLOCK: should the path have become a FIFO since the stat, open() does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError(where, "not a regular file", expected=expected)
            data = handle.read(limit + 1)
    except OSError as err:
        raise InputError(where, f"cannot read the file ({err.strerror})") from None
    if len(data) > limit:
        raise InputError(where, f"the file holds more than {_size(limit)}", expected=expected)
    return data


def decode_text(data: bytes, where: Where | str) -> str:
    """UTF-8 text of ``data`` (a leading byte-order mark dropped), or an :class:`InputError`."""
    where = where if isinstance(where, Where) else Where(where)
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError(
                where,
                f"the file is {name} text",
                expected="UTF-8 text (save it as UTF-8; spreadsheets call UTF-16 'Unicode text')",
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            Where(where.file, where.entry, where.field, line),
            f"not UTF-8 text (byte 0x{data[err.start]:02x} at byte {err.start + 1})",
            expected="UTF-8 text",
        ) from None


def read_user_text(path: Path | str, where: Where | str, *, limit: int, what: str = "file") -> str:
    """:func:`read_bytes` then :func:`decode_text`."""
    return decode_text(read_bytes(path, where, limit=limit, what=what), where)
