"""How a short last batch keeps its shape, and which of a batch's arrays
go to the devices."""
import numpy as np


def numeric_arrays(batch: dict) -> dict[str, np.ndarray]:
  """The arrays a jitted step takes; text features stay on the host."""
  return {name: value for name, value in batch.items()
          if np.issubdtype(np.asarray(value).dtype, np.number)}


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
