"""One exception type for bad input, so every CLI can end it in one sentence."""
import re

_OS_ERROR = re.compile(r":\s*([^:\[]+?)\s*\[os_error_code")
_TF_FUNCTION = re.compile(r"^\{\{[^}]*\}\}\s*")


class UserError(Exception):
  """A problem with what the user gave (config, data, checkpoint, mesh).

  The message is one sentence that names the problem and how to fix it. CLIs
  print it without a traceback and exit with status 2.
  """


def cause(error: BaseException) -> str:
  """The operating system's words for a failed read or write (e.g. "No space
  left on device"), else the error's first line, short enough to sit inside a
  one-sentence message."""
  text = str(error)
  match = _OS_ERROR.search(text)
  if match:
    return match.group(1)
  if isinstance(error, OSError) and error.strerror:
    return error.strerror
  first = text.strip().splitlines()[0] if text.strip() else ""
  first = _TF_FUNCTION.sub("", first)  # TensorFlow's "{{function_node ...}}"
  if "; " in first:  # TensorFlow's "PATH; REASON"
    first = first.rsplit("; ", 1)[1]
  return first[:200] or type(error).__name__
