"""The kinds of damage a committed checkpoint step suffers on real disks,
each a function of the step folder, shared by the checkpoint and the
reliability tests."""
import os


def largest_array_file(step_dir: str) -> str:
  """The biggest file holding array bytes (under `state/`, not metadata)."""
  candidates = []
  for folder, _, files in os.walk(os.path.join(step_dir, "state")):
    for name in files:
      path = os.path.join(folder, name)
      if os.sep + "d" + os.sep in path:
        candidates.append((os.path.getsize(path), path))
  return max(candidates)[1]


def delete_array_file(step_dir: str) -> None:
  os.remove(largest_array_file(step_dir))


def truncate_array_file(step_dir: str) -> None:
  path = largest_array_file(step_dir)
  with open(path, "r+b") as f:
    f.truncate(os.path.getsize(path) // 2)


def empty_state_metadata(step_dir: str) -> None:
  open(os.path.join(step_dir, "state", "_METADATA"), "w").close()


def delete_data_metadata(step_dir: str) -> None:
  os.remove(os.path.join(step_dir, "data", "metadata"))


def zero_block_in_array_file(step_dir: str) -> None:
  """4 KiB of zeros in the middle: same size, still parses."""
  path = largest_array_file(step_dir)
  size = os.path.getsize(path)
  start = max(0, size // 2 - 2048)
  with open(path, "r+b") as f:
    f.seek(start)
    f.write(bytes(min(4096, size - start)))


KINDS = {
    "array file deleted": delete_array_file,
    "array file truncated": truncate_array_file,
    "state/_METADATA emptied": empty_state_metadata,
    "data/metadata deleted": delete_data_metadata,
    "4 KiB zeroed inside an array file": zero_block_in_array_file,
}
