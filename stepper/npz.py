"""Reading a learner's ``.npz`` without trusting it: every member's header is checked first.

An ``.npz`` is a zip of ``.npy`` files. A member's header declares its type and shape; those are
checked (real numbers, at most 2-D, the total size within the limit) before any data is read, and
the data is then read with exactly the declared length as a bound, so neither a zip bomb nor a
302-byte file declaring 10⁶ × 10⁶ values allocates anything large. Never with pickle.
"""

from __future__ import annotations

import math
import zipfile
from typing import IO

import numpy as np
from numpy.lib import format as npy

from stepper.errors import StepperError
from stepper.limits import MAX_MINE_NPZ_BYTES, MAX_NPZ_MEMBERS
from stepper.reading import open_bounded, size_text


def read_npz(path: str) -> dict[str, np.ndarray]:
    what = "an .npz of numeric arrays"
    with open_bounded(path, path, MAX_MINE_NPZ_BYTES, what) as fh:
        try:
            with zipfile.ZipFile(fh) as archive:
                members = archive.infolist()
                if len(members) > MAX_NPZ_MEMBERS:
                    raise StepperError(f"{path}: {len(members)} arrays; at most {MAX_NPZ_MEMBERS}")
                arrays: dict[str, np.ndarray] = {}
                budget = MAX_MINE_NPZ_BYTES
                for info in members:
                    name = info.filename.removesuffix(".npy")
                    if name in arrays:
                        raise StepperError(f"{path}: array {name!r} is stored twice")
                    with archive.open(info) as member:
                        arrays[name] = _array(member, path, name, budget)
                    budget -= arrays[name].nbytes
                return arrays
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise StepperError(f"{path}: not a readable .npz ({exc})") from None


def _array(member: IO[bytes], path: str, name: str, budget: int) -> np.ndarray:
    where = f"{path}: array {name!r}"
    try:
        version = npy.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = npy.read_array_header_1_0(member)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = npy.read_array_header_2_0(member)
        else:
            raise ValueError(f"unknown .npy version {version}")
    except ValueError as exc:
        raise StepperError(f"{where}: not a readable .npy header ({exc})") from None
    if dtype.hasobject or dtype.kind not in "biuf":
        kind = "complex numbers" if dtype.kind == "c" else f"values of type {dtype}"
        raise StepperError(f"{where} holds {kind}; expected real numbers (no pickled objects)")
    if len(shape) > 2:
        raise StepperError(f"{where}: shape {shape}; expected a matrix (2-D) or one number")
    size = math.prod(shape) * dtype.itemsize
    if size > budget:
        dims = "×".join(str(d) for d in shape)
        raise StepperError(
            f"{where} declares {dims} values ({size_text(size)}), more than the "
            f"{size_text(MAX_MINE_NPZ_BYTES)} allowed for all arrays together"
        )
    data = member.read(size + 1)  # the declared size bounds what is unpacked
    if len(data) != size:
        raise StepperError(f"{where}: its data does not match its declared shape {shape}")
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape, order="F" if fortran else "C")
