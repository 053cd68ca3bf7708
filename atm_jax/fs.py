"""One filesystem layer for every file the project reads or writes itself.

A local path goes straight to the operating system (`os`, `open`): the fast
path, with the behaviour the reliability tests pin. A path with a scheme
(`gs://`, TensorFlow's in-memory `ram://`, any filesystem TensorFlow has
registered) goes through `tf.io.gfile`, the layer tf.data, SeqIO and the
TensorBoard writer read and write through too, so a run whose data, vocabulary
and folders live in a bucket needs no other change. Orbax checkpoints reach
`gs://` through their own layer (tensorstore).

Errors from a remote filesystem come back as `OSError`s (`FileNotFoundError`,
`PermissionError`), so callers handle both kinds of path with one `except`.
"""
from __future__ import annotations

import builtins
import contextlib
import errno
import glob as local_glob
import io
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

_SCHEME = "://"
T = TypeVar("T")


def is_remote(path: str | os.PathLike) -> bool:
  return _SCHEME in os.fspath(path)


def absolute(path: str) -> str:
  """`path` against the working directory (`~` expanded); remote unchanged."""
  if is_remote(path):
    return path
  return os.path.abspath(os.path.expanduser(path))


def _gfile():
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return tf.io.gfile


@contextlib.contextmanager
def _as_os_error(path: str) -> Iterator[None]:
  """TensorFlow's filesystem errors as the `OSError` a local path raises."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  try:
    yield
  except tf.errors.NotFoundError as error:
    raise FileNotFoundError(errno.ENOENT, _message(error), path) from error
  except (tf.errors.PermissionDeniedError,
          tf.errors.UnauthenticatedError) as error:
    raise PermissionError(errno.EACCES, _message(error), path) from error
  except tf.errors.OpError as error:
    raise OSError(errno.EIO, _message(error), path) from error


def _message(error: Exception) -> str:
  text = str(getattr(error, "message", "") or error).strip()
  return text.splitlines()[0] if text else type(error).__name__


def _either(path: str, local: Callable[[], T],
            remote: Callable[[Any], T]) -> T:
  """`local()` for a local path; else `remote(tf.io.gfile)`, its errors
  turned into `OSError`s."""
  if not is_remote(path):
    return local()
  with _as_os_error(path):
    return remote(_gfile())


def exists(path: str) -> bool:
  return _either(path, lambda: os.path.exists(path),
                 lambda gfile: gfile.exists(path))


def isdir(path: str) -> bool:
  return _either(path, lambda: os.path.isdir(path),
                 lambda gfile: gfile.isdir(path))


def isfile(path: str) -> bool:
  return _either(path, lambda: os.path.isfile(path),
                 lambda gfile: gfile.exists(path) and not gfile.isdir(path))


def glob(pattern: str) -> list[str]:
  """Sorted matches of a shell pattern."""
  return sorted(_either(pattern, lambda: local_glob.glob(pattern),
                        lambda gfile: gfile.glob(pattern)))


def listdir(path: str) -> list[str]:
  """Entry names, without the trailing `/` some filesystems add to folders."""
  return _either(path, lambda: os.listdir(path),
                 lambda gfile: [name.rstrip("/")
                                for name in gfile.listdir(path)])


def makedirs(path: str) -> None:
  """The folder and its parents; nothing if it is there."""
  _either(path, lambda: os.makedirs(path, exist_ok=True),
          lambda gfile: gfile.makedirs(path))


def remove(path: str) -> None:
  _either(path, lambda: os.remove(path), lambda gfile: gfile.remove(path))


def rmtree(path: str) -> None:
  _either(path, lambda: shutil.rmtree(path), lambda gfile: gfile.rmtree(path))


def replace(source: str, target: str) -> None:
  """Moves `source` over `target`: an atomic rename on a local filesystem, a
  copy then a delete when the two are on different filesystems."""
  if not is_remote(source) and not is_remote(target):
    os.replace(source, target)
    return
  with _as_os_error(source):
    if source.split(_SCHEME)[0] == target.split(_SCHEME)[0]:
      _gfile().rename(source, target, overwrite=True)
    else:
      _gfile().copy(source, target, overwrite=True)
      _gfile().remove(source)


def size_and_mtime_ns(path: str) -> tuple[int, int]:
  def local() -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns

  def remote(gfile) -> tuple[int, int]:
    stat = gfile.stat(path)
    return stat.length, stat.mtime_nsec

  return _either(path, local, remote)


def getmtime(path: str) -> float:
  return size_and_mtime_ns(path)[1] / 1e9


def open(path: str, mode: str = "r", *, encoding: str | None = None,  # pylint: disable=redefined-builtin
         errors: str | None = None, newline: str | None = None):
  """A file object like the built-in `open`'s, for `r`, `w` and `a` modes,
  text or binary. A remote file is read whole when opened and written whole
  on every `flush` and on `close`."""
  if not is_remote(path):
    if "b" in mode:
      return builtins.open(path, mode)
    return builtins.open(path, mode, encoding=encoding, errors=errors,
                         newline=newline)
  kind = mode.replace("b", "").replace("t", "")
  if kind not in ("r", "w", "a"):
    raise ValueError(f"fs.open supports r, w and a modes, not {mode!r}")
  raw: io.BytesIO
  if kind == "r":
    with _as_os_error(path):
      raw = io.BytesIO(_gfile().GFile(path, "rb").read())
  else:
    raw = _RemoteWriter(path, append=kind == "a")
  if "b" in mode:
    return raw
  return io.TextIOWrapper(raw, encoding=encoding or "utf-8", errors=errors,
                          newline=newline, write_through=True)


class _RemoteWriter(io.BytesIO):
  """Bytes kept in memory and written to the remote file whole on `flush`
  and `close` (object stores have no append or partial write)."""

  def __init__(self, path: str, *, append: bool):
    super().__init__()
    self._path = path
    if append and exists(path):
      with _as_os_error(path):
        self.write(_gfile().GFile(path, "rb").read())
    self._written = -1

  def flush(self) -> None:
    super().flush()
    if self.closed or self._written == self.tell():
      return
    with _as_os_error(self._path):
      if _gfile().exists(self._path):
        # Some filesystems (TensorFlow's ram://) append on "wb".
        _gfile().remove(self._path)
      with _gfile().GFile(self._path, "wb") as remote:
        remote.write(self.getvalue())
    self._written = self.tell()

  def close(self) -> None:
    if not self.closed:
      self.flush()
    super().close()
