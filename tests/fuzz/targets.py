"""Where hostile input enters, one function per family, and how each case is judged.

A case ends as a *clean rejection* (one sentence: one line, ending in a full stop, at most
:data:`MAX_MESSAGE` characters; the CLI exits 2 and writes nothing), *accepted* (and then it
must run: a scenario is simulated, an upload must fit the sidebar), a *crash* (any other
exception, exit status or message) or a *hang* (more than :data:`HANG_SECONDS`).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import sim
from app_pages import settings as S
from app_pages.pages import PAGES
from sim.cli import main

__all__ = [
    "class_request",
    "class_url",
    "HANG_SECONDS",
    "MAX_MESSAGE",
    "Result",
    "judge",
    "scenario_api",
    "scenario_dict_api",
    "cli_file",
    "cli_set",
    "cli_sweep",
    "mystery_url",
    "trial_design",
    "url",
    "upload",
    "reproduce",
    "tampered_export",
    "tampered_export_both",
    "app_url",
    "app_upload",
]

HANG_SECONDS = 10.0
MAX_MESSAGE = 600
REJECTED, ACCEPTED, CRASH, HANG = "clean rejection", "accepted", "crash", "hang"


@dataclass(frozen=True)
class Result:
    outcome: str
    detail: str = ""


class _Hang(BaseException):
    """Raised by the alarm: a BaseException, so no ``except Exception`` in the code hides it."""


class Bad(Exception):
    """The code answered, but not as promised (a message that is not one sentence, ...)."""


def judge(fn: Callable[..., str], *args: Any) -> Result:
    """Run one case with an alarm at :data:`HANG_SECONDS`; classify what happened."""

    def alarm(_signum: int, _frame: Any) -> None:
        raise _Hang

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    t0 = time.perf_counter()
    try:
        outcome = fn(*args)
    except _Hang:
        return Result(HANG, f"over {HANG_SECONDS:g} s")
    except Bad as err:
        return Result(CRASH, str(err)[:300])
    except Exception as err:  # the point of fuzzing: anything else is a crash
        return Result(CRASH, f"{type(err).__name__}: {str(err)[:300]}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if time.perf_counter() - t0 > HANG_SECONDS:  # stuck in C code, where no alarm lands
        return Result(HANG, f"{time.perf_counter() - t0:.1f} s")
    return Result(outcome)


def one_sentence(msg: str) -> str:
    """``msg`` if it is one sentence as promised, else Bad."""
    if "\n" in msg.rstrip("\n") or not msg.rstrip("\n").endswith(".") or \
            len(msg) > MAX_MESSAGE or "Traceback" in msg:
        raise Bad(f"not one sentence ({len(msg)} chars): {msg[:200]!r}")
    return msg


# --- the Python API ---------------------------------------------------------------------------
def _run_accepted(scenario: sim.Scenario) -> str:
    _ = sim.simulate(scenario).tables
    again = sim.loads_scenario(scenario.to_toml())
    if again != scenario:
        raise Bad("the scenario does not survive a TOML round trip")
    return ACCEPTED


def scenario_api(text: str | bytes) -> str:
    """A scenario file's contents through ``loads_scenario``, then simulated if accepted."""
    try:
        scenario = sim.loads_scenario(text, source="fuzz.toml")
    except sim.ScenarioError as err:
        one_sentence(str(err))
        return REJECTED
    return _run_accepted(scenario)


def scenario_dict_api(data: Mapping[str, Any]) -> str:
    """A scenario dict (as a program would build it) through ``parse_scenario``."""
    try:
        scenario = sim.parse_scenario(data, source="fuzz")
    except sim.ScenarioError as err:
        one_sentence(str(err))
        return REJECTED
    return _run_accepted(scenario)


# --- the command line -------------------------------------------------------------------------
def _cli(argv: list[str], out: Path | None) -> str:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    if code == 2:
        one_sentence(stderr.getvalue())
        if out is not None and out.exists():
            raise Bad(f"exit 2 but {out.name} was written")
        return REJECTED
    if code in (0, 1) and (out is None or (out / "manifest.json").is_file()):
        return ACCEPTED
    raise Bad(f"exit {code}: {stderr.getvalue()[:200]!r}")


def cli_file(text: str | bytes, command: str = "run") -> str:
    """``mmn-sim run FILE`` (or ``show``, or ``cohort`` of two patients) on a scenario file
    with these contents."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "replace"))
        out = Path(tmp) / "out"
        writes = command in ("run", "cohort")
        argv = [command, str(path)] + (["--out", str(out), "--quiet"] if writes else [])
        if command == "cohort":  # two patients on the compiled engine (or its fallback)
            argv += ["--n", "2"]
        return _cli(argv, out if writes else None)


def cli_set(args: list[str], preset: str = "ivig-maintenance") -> str:
    """``mmn-sim show PRESET --set A --set B``; the API path must agree with the CLI."""
    argv = ["show", preset]
    for a in args:
        argv += ["--set", a]
    return _cli(argv, None)


def cli_sweep(args: list[str], preset: str = "untreated") -> str:
    """``mmn-sim sweep PRESET --grid A ...`` for one patient over a quarter year."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        argv = ["sweep", preset, "--n", "1", "--years", "0.25", "--out", str(out), "--quiet"]
        for a in args:
            argv += ["--grid", a]
        return _cli(argv, out)


def trial_design(text: str | bytes) -> str:
    """A trial design file through ``loads_design``: one sentence, or a design (not run: a
    design's cost is bounded by its own checks, and a run takes seconds)."""
    from sim.trial.design import loads_design

    try:
        loads_design(text)
    except sim.ScenarioError as err:
        one_sentence(str(err))
        return REJECTED
    return ACCEPTED


def mystery_url(query: Mapping[str, str]) -> str:
    """A "Which disease is it?" address: every value it cannot use is one sentence, and an
    attempt it can use plays through to its debrief when it is committed."""
    from sim import mystery as M

    parsed = M.parse_query(query, np.random.default_rng(0))
    for note in parsed.notes:
        one_sentence(note)
    a = parsed.attempt
    if a is not None and a.committed:
        M.debrief(a)
    return REJECTED if parsed.notes else ACCEPTED


# --- the dashboard ----------------------------------------------------------------------------
def _fits_controls(values: Mapping[str, Any]) -> None:
    """Every sidebar value has its control's type and lies in its range (else Streamlit
    raises when it draws the widget)."""
    for p in S.PARAMS:
        v = values[p.name]
        if p.kind == "bool":
            ok = isinstance(v, bool)
        elif p.kind == "choice":
            ok = v in p.choices
        else:
            number = int if p.kind == "int" else float
            ok = type(v) is number and p.lo <= v <= p.hi
        if not ok:
            raise Bad(f"sidebar value {p.name} = {v!r} does not fit its control")


def url(query: Mapping[str, str]) -> str:
    """A page address: the settings it restores must fit the sidebar and make a scenario."""
    restored = S.from_query(query, sim.preset_names())
    _fits_controls(restored.values)
    for note in restored.notes:
        one_sentence(note)
    base = S.base_scenario(restored.preset)
    S.build_scenario(base, restored.values)
    return REJECTED if restored.notes else ACCEPTED


def upload(data: bytes, name: str) -> str:
    """An uploaded file: refused with one sentence, or a scenario the sidebar can show and
    that runs as written while the sidebar is untouched."""
    try:
        scenario, _text = S.read_upload(data, name)
    except sim.ScenarioError as err:
        one_sentence(str(err))
        return REJECTED
    shown = S.defaults(scenario)
    _fits_controls(shown)
    if S.build_scenario(scenario, shown) != scenario:
        raise Bad("an untouched sidebar changes the uploaded scenario")
    _ = sim.simulate(scenario).tables
    return ACCEPTED


APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _app_checked(at: Any) -> str:
    if at.exception:
        raise Bad(f"the page shows an exception: {at.exception[0].value[:200]!r}")
    shown = [e.value for e in (*at.error, *at.warning)]
    return REJECTED if shown else ACCEPTED


def app_url(query: Mapping[str, str]) -> str:
    """A page address opened in the running dashboard (AppTest)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=HANG_SECONDS)
    for k, v in query.items():
        at.query_params[k] = v
    return _app_checked(at.run())


def app_upload(data: bytes, name: str) -> str:
    """A file uploaded on the export page of the running dashboard; if accepted, every page
    drawn with it."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=HANG_SECONDS)
    at.run()
    at.switch_page("app_pages/export.py").run()
    # The browser sends only files whose names end in .toml (the uploader's type filter).
    # Nor can a browser send a file name holding a NUL character.
    name = name.replace("\x00", "")
    name = name if name.endswith(".toml") else f"{name}.toml"
    at.file_uploader(key="w_upload").set_value((name, data, "text/plain")).run()
    _app_checked(at)
    if not at.success:
        return REJECTED
    for page in PAGES:
        at.switch_page(page.path).run()
        _app_checked(at)
    return ACCEPTED


# --- reproduce --------------------------------------------------------------------------------
def reproduce(text: str) -> str:
    """``mmn-sim reproduce`` on a tampered manifest: nothing written unless it runs."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out = Path(tmp) / "out"
        return _cli(["reproduce", str(path), "--out", str(out), "--quiet"], out)


# --- exports tampered with on disk ------------------------------------------------------------
_EXPORTS: dict[str, Path] = {}
MAX_LINES = 22  # 20 problems, "and N more", the verdict


def _base_export(fmt: str) -> Path:
    """A small summary cohort (3 parts per table in Parquet), written once per process."""
    if fmt not in _EXPORTS:
        root = Path(tempfile.mkdtemp(prefix="mmn-sim-fuzz-"))
        atexit.register(shutil.rmtree, root, True)
        out = root / fmt
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["cohort", "untreated", "--n", "6", "--years", "2", "--chunk", "2",
                         "--format", fmt, "--quiet", "--out", str(out)])
        if code != 0:
            raise RuntimeError(f"the base {fmt} export failed (exit {code})")
        _EXPORTS[fmt] = out
    return _EXPORTS[fmt]


def _snapshot(folder: Path) -> list[tuple[str, str, str]]:
    """Every entry under ``folder``: (path, kind, SHA-256 or link target)."""
    out = []
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            p = Path(root) / name
            rel = p.relative_to(folder).as_posix()
            if p.is_symlink():
                out.append((rel, "link", os.readlink(p)))
            elif p.is_dir():
                out.append((rel, "dir", ""))
            elif p.is_file():
                out.append((rel, "file", hashlib.sha256(p.read_bytes()).hexdigest()))
            else:
                out.append((rel, "other", ""))
    return sorted(out)


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                  and p.name not in ("manifest.json", "README.txt"))


def _tamper_file(folder: Path, op: str, a: int, b: int, name: str) -> None:
    files = _data_files(folder)
    if not files:
        return
    p = files[a % len(files)]
    data = p.read_bytes()
    if op == "flip" and data:
        i = b % len(data)
        p.write_bytes(data[:i] + bytes([data[i] ^ (1 + (b >> 8) % 255)]) + data[i + 1:])
    elif op == "truncate":
        p.write_bytes(data[: b % (len(data) + 1)])
    elif op == "append":
        p.write_bytes(data + data[: 1 + b % 64])
    elif op == "delete":
        p.unlink()
    elif op == "copy" and p.name != name:
        shutil.copyfile(p, p.parent / name)
    elif op == "stray":
        (p.parent if b % 2 else folder).joinpath(name).write_bytes(data[: b % 200])
    elif op == "symlink":
        elsewhere = folder.parent / f"{folder.name}-{a}-{p.name}"
        shutil.copyfile(p, elsewhere)
        p.unlink()
        p.symlink_to(elsewhere)
    elif op == "folder":
        p.unlink()
        p.mkdir()
    elif op == "rmtable":
        shutil.rmtree(p.parent) if p.parent != folder else p.unlink()


def _tamper_manifest(folder: Path, op: str, a: int, b: int) -> None:
    path = folder / "manifest.json"
    man = json.loads(path.read_text(encoding="utf-8"))
    names = list(man["tables"])
    if not names:
        return
    t = man["tables"][names[a % len(names)]]
    parts = t.get("files", [])
    if op in ("rows", "sha256", "content_sha256"):
        t[op] = b % (2 * t["rows"] + 2) if op == "rows" else hashlib.sha256(
            str(b).encode()).hexdigest()
    elif op == "drop_entry" and len(parts) > 1:
        parts.pop(b % len(parts))
    elif op == "dup_entry" and parts:
        parts.append(parts[b % len(parts)])
    elif op == "drop_table" and len(names) > 1:
        del man["tables"][names[a % len(names)]]
    elif op == "drop_patient" and len(man["patients"]) > 1:
        man["patients"].pop()
    elif op == "part_rows" and parts:
        parts[b % len(parts)]["rows"] = b % 100
    elif op == "swap_entries" and len(parts) > 1:
        i, j = b % len(parts), (b // 7) % len(parts)
        parts[i], parts[j] = parts[j], parts[i]
    path.write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")  # "noop": the same


def _run(argv: list[str]) -> tuple[int, list[str]]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    return code, stderr.getvalue().splitlines()


def _judge_export(code: int, lines: list[str], changed: bool, what: str) -> str:
    if not changed:
        if code != 0:
            raise Bad(f"{what} failed on an untouched export (exit {code}): {lines[:2]!r}")
        return ACCEPTED
    if code == 0:
        raise Bad(f"a tampered export was accepted by {what}")
    if code not in (1, 2) or not 1 <= len(lines) <= MAX_LINES:
        raise Bad(f"{what}: exit {code} with {len(lines)} lines: {lines[:2]!r}")
    for line in lines:
        one_sentence(line)
    return REJECTED


def _tampered_copy(tmp: Path, fmt: str, ops: list[tuple[str, int, int, str]]) -> tuple[Path, bool]:
    folder = tmp / "export"
    shutil.copytree(_base_export(fmt), folder, symlinks=True)
    before = _snapshot(folder)
    for op, a, b, name in ops:
        if op in ("flip", "truncate", "append", "delete", "copy", "stray", "symlink", "folder",
                  "rmtable"):
            _tamper_file(folder, op, a, b, name)
        else:
            _tamper_manifest(folder, op, a, b)
    return folder, _snapshot(folder) != before


def tampered_export(fmt: str, ops: list[tuple[str, int, int, str]]) -> str:
    """``mmn-sim verify`` on a copy of an export after ``ops``: it must fail, one sentence a
    problem, exactly when something changed."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, changed = _tampered_copy(Path(tmp), fmt, ops)
        code, lines = _run(["verify", str(folder), "--quiet"])
        return _judge_export(code, lines, changed, "verify")


def tampered_export_both(fmt: str, ops: list[tuple[str, int, int, str]]) -> str:
    """``verify`` and ``reproduce`` on the same tampered copy: the same verdict and the same
    problem sentences."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, changed = _tampered_copy(Path(tmp), fmt, ops)
        code, lines = _run(["verify", str(folder), "--quiet"])
        outcome = _judge_export(code, lines, changed, "verify")
        rcode, rlines = _run(["reproduce", str(folder / "manifest.json"), "--out",
                              str(Path(tmp) / "again"), "--quiet"])
        _judge_export(rcode, rlines, changed, "reproduce")
        strip = [line.split(": ", 2)[-1] for line in lines[:-1]]
        rstrip = [line.split(": ", 2)[-1] for line in rlines[:-1]]
        if code == 1 and (rcode != 1 or rstrip[:len(strip)] != strip):
            raise Bad(f"verify and reproduce disagree: {lines[:1]!r} / {rlines[:1]!r}")
        if code == 2 and rlines != [line.replace("verify", "reproduce", 1) for line in lines]:
            raise Bad(f"verify and reproduce refuse differently: {lines!r} / {rlines!r}")
        return outcome


# --- class mode ---------------------------------------------------------------------------------
_CLASS: dict[str, Any] = {}


def _class_room() -> dict[str, Any]:
    """One class on a temporary SQLite file: a student, an open choice question, an open
    number question and a revealed one (built once per fuzz run)."""
    if not _CLASS:
        from sim.classroom import Classroom
        from sim.classroom.service import preset_answer

        folder = tempfile.mkdtemp(prefix="fuzz-class-")
        atexit.register(shutil.rmtree, folder, True)
        import functools

        from sim.prediction import answer

        number = sim.parse_scenario({"scenario": {"years": 2, "name": "A number"},
                                     "teaching": {"ask": {
                                         "kind": "number", "question": "Grip on day 700?",
                                         "measure": "grip_weaker", "day": 700, "low": 0,
                                         "high": 60, "tolerance": 2}}})
        asked = ("A number", number.teaching.ask,
                 answer(sim.simulate(number), number.teaching.ask))
        cached = functools.cache(preset_answer)  # refuses unknown names like the page

        def answer_for(name: str) -> Any:
            return asked if name == "_number" else cached(name)

        room = Classroom(f"sqlite:///{folder}/classes.sqlite3", answer_for=answer_for,
                         max_per_second=10**9)
        for name in sim.preset_names():  # every preset's answer simulated once, up front
            answer_for(name)
        new = room.create(["prednisolone", "_number", "untreated"], case=True)
        other = room.create(["prednisolone"])
        qs = room.questions(new.code)
        room.reveal(new.code, new.token, qs[2].id)
        _CLASS.update(room=room, new=new, other=other, key=room.join(new.code, "Ann"),
                      questions={"open": qs[0].id, "number": qs[1].id, "revealed": qs[2].id})
    return _CLASS


def _db_rows(room: Any) -> list:
    from sqlalchemy import select

    from sim.classroom.models import AnswerRow, CaseStepRow, ClassRow, QuestionRow, StudentRow

    with room.engine.connect() as conn:
        return [list(conn.execute(select(t.__table__).order_by(t.id)))
                for t in (ClassRow, QuestionRow, StudentRow, AnswerRow, CaseStepRow)]


def class_request(req: Mapping[str, Any]) -> str:
    """One request to class mode's service: refused with one sentence and nothing stored, or
    accepted (and then what is stored is allowed)."""
    from sim.classroom import ClassError

    c = _class_room()
    room, new = c["room"], c["new"]

    def pick(part: str, real: str) -> Any:
        v = req[part]
        return {"real": real, "real-lower": real.lower(), "real-dashed": f"{real[:3]}-{real[3:]}",
                "other": c["other"].code if part == "code" else "x" * len(real)}.get(v, v)

    code, token, key = pick("code", new.code), pick("token", new.token), pick("key", c["key"])
    q = c["questions"].get(req["question"], req["question"]) \
        if isinstance(req["question"], str) else req["question"]
    before = _db_rows(room)
    try:
        if req["op"] == "join":
            room.join(code, req["nickname"])
        elif req["op"] == "submit":
            room.submit(code, key, q, req["value"])
        elif req["op"] == "reveal":
            room.reveal(code, token, q)
        elif req["op"] == "tally":
            room.tally(code, token, q)
        elif req["op"] == "view":
            room.student_question(code, key, q)
        elif req["op"] == "case":
            room.record_case(code, key, req["tests"], req["differential"], req["diagnosis"])
        elif req["op"] == "case summary":
            room.case_summary(code, token)
        else:
            room.create(req["presets"], hours=req["hours"])
    except ClassError as err:
        one_sentence(str(err))
        if _db_rows(room) != before:
            raise Bad("a refused request changed the stored data") from None
        return REJECTED
    except (TypeError, ValueError, OverflowError) as err:
        raise Bad(f"not a class-mode message: {type(err).__name__}: {err}") from None
    if req["op"] == "submit" and room.student_question(code, key, int(q))[1] is None:
        raise Bad("an accepted answer was not stored")
    return ACCEPTED


def class_url(query: Mapping[str, str]) -> str:
    """A Class page link opened in the running dashboard (AppTest)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    if "MMN_SIM_DATA_DIR" not in os.environ:  # never the user's own class database
        folder = tempfile.mkdtemp(prefix="fuzz-class-app-")
        atexit.register(shutil.rmtree, folder, True)
        os.environ["MMN_SIM_DATA_DIR"] = folder
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=HANG_SECONDS)
    at.run()
    at.switch_page(next(p.path for p in PAGES if p.url == "class"))
    for k, v in query.items():
        at.query_params[k] = v
    return _app_checked(at.run())

