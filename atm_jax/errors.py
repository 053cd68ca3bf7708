"""One exception type for bad input, so every CLI can end it in one sentence."""


class UserError(Exception):
  """A problem with what the user gave (config, data, checkpoint, mesh).

  The message is one sentence that names the problem and how to fix it. CLIs
  print it without a traceback and exit with status 2.
  """
