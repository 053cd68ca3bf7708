"""How a short last batch keeps its shape."""
import numpy as np


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
