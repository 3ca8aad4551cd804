"""One BLAS thread while simulating many patients.

Why: the model's only matrix product (muscle strength from the sites, 50 x 40, per record) is
far too small to gain from threads, but OpenBLAS starts one per core and spins them; beside the
compiled engine's own threads, or on a loaded 2-core machine, that made building a cohort's
tables 3-4 times slower (10 ms instead of 2.8 ms per 10-year patient, measured). The limit is
scoped to cohort work and the command line, so a program embedding the model keeps its own
BLAS settings elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

__all__ = ["one_blas_thread"]


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Within the block, BLAS libraries (numpy's, scipy's) use one thread."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
