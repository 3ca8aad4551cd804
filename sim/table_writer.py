"""One export table written to disk in parts (chunks of patients), hashed as it is written.

Why: a cohort of a million patients cannot sit in memory whole, so its tables are written a
chunk of patients at a time. CSV parts are appended after one header, which gives exactly the
bytes of the whole table written at once. A Parquet file gets one row group per part (each with
its own dictionary pages), so a cohort larger than one part has other bytes than one whole-table
write would give, with the same values; the parts are fixed in size, so the same scenario and
seed still give the same bytes. Every byte passes through :func:`_write` (one place where a full
disk shows up) and into the SHA-256 the manifest records.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["CATEGORICAL", "TableWriter", "arrow_table"]

# Columns stored as Parquet dictionaries (few distinct labels, many rows).
CATEGORICAL = {"side", "nerve", "segment", "muscle", "event", "sex", "dominant_side", "kind",
               "stim_site", "grade"}


def arrow_table(df: pd.DataFrame, meta: dict[str, str] | None = None) -> Any:
    """``df`` as an Arrow table: label columns as dictionaries, ``meta`` in the schema (and no
    pandas metadata, which would vary with the pandas version)."""
    import pyarrow as pa

    df = df.copy()
    for col in df.columns:
        if col in CATEGORICAL:
            df[col] = df[col].astype("category")
    tbl = pa.Table.from_pandas(df, preserve_index=False)
    schema_meta = dict(tbl.schema.metadata or {})
    schema_meta.pop(b"pandas", None)
    for k, v in (meta or {}).items():
        schema_meta[k.encode()] = v.encode()
    return tbl.replace_schema_metadata(schema_meta)


def _write(raw: io.FileIO, data: bytes) -> None:
    """Write all of ``data`` (a full disk raises OSError here)."""
    view = memoryview(data)
    while view:
        view = view[raw.write(view):]


class _Sink(io.RawIOBase):
    """A write-only file that hashes what passes through it (pyarrow writes into it too)."""

    def __init__(self, path: Path) -> None:
        self._raw = io.FileIO(path, "xb")
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        _write(self._raw, data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def finish(self) -> None:
        """Flush to disk and close: once this returns, a power cut keeps the file."""
        os.fsync(self._raw.fileno())
        self._raw.close()

    def close(self) -> None:
        self._raw.close()
        super().close()


class TableWriter:
    """One table file: call :meth:`write` with each part in order, then :meth:`close`."""

    def __init__(self, path: Path, format: str, meta: dict[str, str] | None = None) -> None:
        if format not in ("csv", "parquet"):
            raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
        self.path, self.format, self.meta = Path(path), format, meta
        self.rows = 0
        self._sink = _Sink(self.path)
        self._parts = 0
        self._parquet: Any = None  # pyarrow ParquetWriter, made from the first part with rows
        self._empty: Any = None  # the first part, kept while no part has had rows

    def write(self, df: pd.DataFrame) -> None:
        if self.format == "csv":
            text = df.to_csv(index=False, header=self._parts == 0, lineterminator="\n")
            self._sink.write(text.encode("utf-8"))
        else:
            self._write_parquet(arrow_table(df, self.meta))
        self._parts += 1
        self.rows += len(df)

    def _write_parquet(self, tbl: Any) -> None:
        import pyarrow.parquet as pq

        if tbl.num_rows == 0:
            if self._empty is None:
                self._empty = tbl
            return
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self._sink, tbl.schema, compression="zstd")
        elif tbl.schema != self._parquet.schema:
            tbl = tbl.cast(self._parquet.schema)
        self._parquet.write_table(tbl)

    def close(self) -> dict[str, Any]:
        """Finish the file; its manifest entry (file name, rows, SHA-256)."""
        if self.format == "parquet":
            if self._parquet is None and self._empty is not None:  # no part had rows
                self._write_parquet_empty()
            if self._parquet is not None:
                self._parquet.close()
        self._sink.finish()
        return {"file": self.path.name, "rows": int(self.rows),
                "sha256": self._sink.sha256.hexdigest()}

    def _write_parquet_empty(self) -> None:
        import pyarrow.parquet as pq

        self._parquet = pq.ParquetWriter(self._sink, self._empty.schema, compression="zstd")
        self._parquet.write_table(self._empty)

    def abort(self) -> None:
        """Close the file after a failure (the caller removes it)."""
        with contextlib.suppress(Exception):  # already failing; the file is discarded
            if self._parquet is not None:
                self._parquet.close()
        self._sink.close()
