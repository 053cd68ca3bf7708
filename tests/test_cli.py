"""What the command-line tools keep off the terminal."""
import logging
import os

import gin

from atm_jax import cli


def test_gins_resource_lookup_error_for_an_include_is_not_shown():
  # gin looks for an include as a Python resource first and logs an error
  # when it is not one, although it then finds the file on its search path.
  cli.quiet_libraries()
  reader = os.path.join(os.path.dirname(gin.__file__), "resource_reader.py")
  noise = logging.LogRecord("root", logging.ERROR, reader, 55,
                            "Path not found: %s", ("gin_configs/a.gin",), None)
  assert not cli._keep_record(noise)  # pylint: disable=protected-access
  ours = logging.LogRecord("root", logging.ERROR, __file__, 1, "real", (), None)
  assert cli._keep_record(ours)  # pylint: disable=protected-access
  assert any(f is cli._keep_record  # pylint: disable=protected-access
             for f in logging.getLogger().filters)
