"""How a global batch is split over processes, and how a short last batch
keeps its shape."""
import numpy as np

from atm_jax.errors import UserError


def rows_per_process(global_batch_size: int, process_index: int,
                     process_count: int) -> int:
  """This process's share of the rows of each global batch."""
  if not 0 <= process_index < process_count:
    raise UserError(
        f"process_index={process_index} is outside 0..{process_count - 1}; "
        "pass jax.process_index() and jax.process_count().")
  if global_batch_size % process_count:
    raise UserError(
        f"global_batch_size={global_batch_size} is not divisible by the "
        f"{process_count} processes; make it a multiple of {process_count}.")
  return global_batch_size // process_count


def fill_rows(batch: dict[str, np.ndarray], rows: int,
              text_features: tuple[str, ...]) -> dict[str, np.ndarray]:
  """Text features decoded to str; a short batch filled with empty rows
  (all zeros, so `example_mask` 0), keeping every batch's shape."""
  missing = rows - len(batch["example_mask"])
  filled = {}
  for name, values in batch.items():
    if name in text_features:
      values = np.array([value.decode() for value in values] + [""] * missing,
                        dtype=object)
    elif missing:
      values = np.concatenate(
          [values, np.zeros((missing, *values.shape[1:]), values.dtype)])
    filled[name] = values
  return filled
