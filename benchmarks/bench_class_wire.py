"""A class of students as the server sees it: N sessions speaking Streamlit's own protocol.

``bench_class.py`` (b) drives real Chromium pages, but on one 2-core machine 30 pages drawing
plotly charts saturate the cores, so its latencies at 30 sessions are the browsers', not the
server's. In a classroom every browser has its own machine. This benchmark keeps the server
and its protocol and drops the rendering: each student is a websocket client that sends what
the dashboard's page sends (the URL, then a new value of the IVIg-interval slider, or another
page) and waits for the server's "script finished". Latency is from the message to the end of
the server's answer, so it includes the server's queueing under load and the transfer of every
chart, but not the drawing. Teaching model - not for clinical decisions.

Class mode (``--traffic class``): a class is opened on the server's database, then N students
open the Class page's link, join (the form, as the page submits it), and all submit an answer
at the same moment; meanwhile each student's page and the lecturer's poll their live parts
every 3 s, as the browser does. It prints join and submit latency (p50/p95), lost answers
(submitted against stored), and how long after the last submit the lecturer's live count
showed all N. ``--database sqlite postgresql`` runs it on each (PostgreSQL: a server started
from Debian's postgresql package, as the tests start it).

    .venv/bin/python benchmarks/bench_class_wire.py [--sessions 10 20 30] [--moves 4]
        [--think 1.5] [--seed-base 100] [--traffic sliders class] [--students 30]
        [--database sqlite postgresql]

Prints, per class size: p50/p95 latency of the first load, slider moves and page switches,
errors and time-outs, the server's CPU per action and its resident memory before, at peak and
after the sessions close (read as ``bench_class.py`` reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script
from bench_class import SETTLE_S, Server  # noqa: E402

TIMEOUT_S = 90.0
SLIDER_LABEL = "IVIg interval"
OTHER_PAGE = "Examination"


class Student:
    """One browser tab: its websocket, the page it is on and the widgets it has seen."""

    def __init__(self, url: str, query: str) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.query = query
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # page name -> script hash
        self.sliders: dict[str, object] = {}  # label -> Slider proto of the last run
        self.widgets: dict[str, object] = {}  # label -> any other widget proto of the last run
        self.metrics: dict[str, str] = {}  # label -> value of the last run's metrics
        self.fragments: set[str] = set()  # fragments the server asked to rerun on a timer
        self.ws = None

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"],
                                           max_size=None, open_timeout=TIMEOUT_S)

    async def rerun(self, widget=None, page_hash: str | None = None, page_name: str = "",
                    widgets=(), fragment: str = "", auto: bool = True) -> float:
        """Send one rerun (a slider value or a page); seconds until the run has finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = page_hash if page_hash is not None else self.page_hash
        msg.rerun_script.page_name = page_name
        if fragment:
            msg.rerun_script.fragment_id = fragment
            msg.rerun_script.is_auto_rerun = auto
        for w in [widget, *widgets] if widget is not None else widgets:
            msg.rerun_script.widget_states.widgets.append(w)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        if not fragment:
            self.sliders, self.widgets = {}, {}  # every run sends its widgets again
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT_S)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session" and fwd.new_session.page_script_hash:
                self.page_hash = fwd.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in fwd.navigation.app_pages}
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "auto_rerun":
                self.fragments.add(fwd.auto_rerun.fragment_id)
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                what = el.WhichOneof("type")
                if what == "slider":
                    self.sliders[el.slider.label] = el.slider
                elif what == "metric":
                    self.metrics[el.metric.label] = el.metric.body
                elif what in ("text_input", "radio", "button"):
                    self.widgets[getattr(el, what).label] = getattr(el, what)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the app failed to compile")
                return time.perf_counter() - start

    def slider_step(self):
        """The widget state of one step up (or down at the top) of the IVIg-interval slider."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        slider = next((s for label, s in self.sliders.items()
                       if label.startswith(SLIDER_LABEL)), None)
        if slider is None:
            raise LookupError(f"no slider labelled {SLIDER_LABEL!r} on the page")
        now = list(slider.value) or list(slider.default)
        new = now[0] + slider.step if now[0] + slider.step <= slider.max else now[0] - slider.step
        slider.ClearField("value")
        slider.value.append(new)
        state = WidgetState(id=slider.id)
        state.double_array_value.data.append(new)
        return state

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def student(url: str, seed: int, moves: int, think: float, times: dict[str, list[float]],
                  errors: list[str]) -> None:
    s = Student(url, f"scenario=ivig-maintenance&seed={seed}")
    try:
        await s.connect()
        times["first load"].append(await s.rerun(page_hash=""))
        for k in range(moves):
            await asyncio.sleep(think)
            times["slider"].append(await s.rerun(widget=s.slider_step()))
            if k == moves // 2 and OTHER_PAGE in s.pages:
                await asyncio.sleep(think)
                home = s.page_hash
                times["page"].append(await s.rerun(page_hash=s.pages[OTHER_PAGE]))
                await asyncio.sleep(think)
                times["page"].append(await s.rerun(page_hash=home))
    except TimeoutError:
        errors.append("time-out")
    except Exception as exc:  # noqa: BLE001 - a benchmark counts every failure
        errors.append(f"{type(exc).__name__}: {exc}"[:120])
    finally:
        await s.close()


def _pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


async def one_class(server: Server, n: int, args: argparse.Namespace) -> None:
    times: dict[str, list[float]] = {"first load": [], "slider": [], "page": []}
    errors: list[str] = []
    mem0, cpu0, t0 = server.rss_mb(), server.cpu(), time.perf_counter()
    peak = mem0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, server.rss_mb())
            await asyncio.sleep(0.5)

    watcher = asyncio.create_task(watch())
    await asyncio.gather(*(student(server.url, args.seed_base + k, args.moves, args.think,
                                   times, errors) for k in range(n)))
    watcher.cancel()
    wall, cpu = time.perf_counter() - t0, server.cpu() - cpu0
    actions = sum(len(v) for v in times.values())
    print(f"\n{n} sessions (protocol clients, no rendering): {wall:.0f} s, {actions} actions, "
          f"{len(errors)} errors" + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    for key, xs in times.items():
        print(f"  {key:<11} p50 {_pct(xs, 0.5):6.2f} s   p95 {_pct(xs, 0.95):6.2f} s   "
              f"({len(xs)})")
    soon = server.rss_mb()
    await asyncio.sleep(args.settle)
    after = server.rss_mb()
    print(f"  server CPU {cpu:.1f} s over {wall:.0f} s = {1000 * cpu / max(actions, 1):.0f} ms "
          f"per action; resident memory {mem0:.0f} MB before, {peak:.0f} MB peak, "
          f"{soon:.0f} MB at close and {after:.0f} MB {args.settle:.0f} s after "
          f"({100 * (after / mem0 - 1):+.0f}% of before)")


# --- class mode ---------------------------------------------------------------------------
CLASS_PRESET = "prednisolone"
POLL_S = 3.0  # the Class page's live parts rerun this often (app_pages/classroom.py)


def _state(widget, **value):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget.id)
    for k, v in value.items():
        setattr(state, k, v)
    return state


async def _poll(s: Student, stop: asyncio.Event, errors: list[str]) -> None:
    """Rerun the page's timed fragments every POLL_S seconds, as the browser does."""
    try:
        while not stop.is_set():
            await asyncio.sleep(POLL_S)
            for frag in sorted(s.fragments):
                await s.rerun(fragment=frag)
    except Exception as exc:  # noqa: BLE001 - a benchmark counts every failure
        errors.append(f"poll {type(exc).__name__}: {exc}"[:120])


async def class_student(url: str, code: str, k: int, go: asyncio.Event, ready: list[int],
                        times: dict[str, list[float]], errors: list[str],
                        stop: asyncio.Event, done: list[float]) -> None:
    s = Student(url, f"class={code}")
    poller = None
    try:
        await s.connect()
        times["first load"].append(await s.rerun(page_hash="", page_name="class"))
        w = s.widgets
        states = [_state(w["Class code"], string_value=code),
                  _state(w["Nickname (optional)"], string_value=f"Student {k}"),
                  _state(w["Join"], trigger_value=True)]
        times["join"].append(await s.rerun(widgets=states))
        if "me=" not in s.query:
            raise RuntimeError("the join did not give the student a key")
        poller = asyncio.create_task(_poll(s, stop, errors))
        ready.append(k)
        await go.wait()
        radio = s.widgets["Your answer"]
        states = [_state(radio, string_value=radio.options[k % len(radio.options)]),
                  _state(s.widgets["Submit"], trigger_value=True)]
        # A widget inside a fragment reruns only its fragment, as the browser sends it.
        frag = sorted(s.fragments)[0] if s.fragments else ""
        times["submit"].append(await s.rerun(widgets=states, fragment=frag, auto=False))
        done.append(time.perf_counter())
        await stop.wait()
    except TimeoutError:
        errors.append("time-out")
    except Exception as exc:  # noqa: BLE001 - a benchmark counts every failure
        errors.append(f"{type(exc).__name__}: {exc}"[:120])
    finally:
        if poller is not None:
            poller.cancel()
        await s.close()


async def class_lecturer(url: str, code: str, token: str, n: int, done: list[float],
                         seen: list[float], stop: asyncio.Event, errors: list[str]) -> None:
    s = Student(url, f"class={code}&lecturer={token}")
    try:
        await s.connect()
        await s.rerun(page_hash="", page_name="class")
        while not stop.is_set():
            await asyncio.sleep(POLL_S)
            for frag in sorted(s.fragments):
                await s.rerun(fragment=frag)
            if s.metrics.get("Answers") == str(n) and not seen:
                seen.append(time.perf_counter())
    except Exception as exc:  # noqa: BLE001
        errors.append(f"lecturer {type(exc).__name__}: {exc}"[:120])
    finally:
        await s.close()


async def one_lesson(server: Server, n: int, db: str) -> None:
    from sim.classroom import Classroom

    room = Classroom()  # the server's database: the same environment
    new = room.create([CLASS_PRESET])
    times: dict[str, list[float]] = {"first load": [], "join": [], "submit": []}
    errors: list[str] = []
    go, stop = asyncio.Event(), asyncio.Event()
    ready: list[int] = []
    done: list[float] = []
    seen: list[float] = []
    cpu0 = server.cpu()
    lecturer = asyncio.create_task(class_lecturer(server.url, new.code, new.token, n, done,
                                                  seen, stop, errors))
    students = [asyncio.create_task(class_student(server.url, new.code, k, go, ready, times,
                                                  errors, stop, done)) for k in range(n)]
    deadline = time.perf_counter() + 180
    while len(ready) + len(errors) < n and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    go.set()  # every student submits at the same moment
    while (len(done) < len(ready) or not seen) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(lecturer, *students)
    q = room.questions(new.code)[0]
    stored = room.tally(new.code, new.token, q.id).count
    lag = seen[0] - max(done) if seen and done else float("nan")
    print(f"\nclass mode on {db}: {n} students (protocol clients), {len(errors)} errors"
          + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    for key, xs in times.items():
        print(f"  {key:<11} p50 {_pct(xs, 0.5):6.2f} s   p95 {_pct(xs, 0.95):6.2f} s   "
              f"({len(xs)})")
    print(f"  answers submitted {len(done)}, stored {stored}, lost {len(done) - stored}; "
          f"the lecturer's live count showed {n} {lag:.1f} s after the last submit "
          f"(it refreshes every {POLL_S:g} s); server CPU {server.cpu() - cpu0:.1f} s")


def _database_env(db: str) -> dict[str, str]:
    if db == "sqlite":
        return {"MMN_SIM_DATA_DIR": tempfile.mkdtemp(prefix="bench_class_db_"),
                "MMN_SIM_DATABASE_URL": ""}
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.databases import new_database

    return {"MMN_SIM_DATABASE_URL": new_database("postgresql", Path(tempfile.gettempdir()))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="*", default=[10, 20, 30])
    ap.add_argument("--moves", type=int, default=4, help="slider moves per student")
    ap.add_argument("--think", type=float, default=1.5, help="seconds between a student's actions")
    ap.add_argument("--seed-base", type=int, default=100, help="student k uses seed base + k")
    ap.add_argument("--settle", type=float, default=SETTLE_S,
                    help="seconds to wait after a class before reading memory")
    ap.add_argument("--traffic", nargs="*", choices=["sliders", "class"],
                    default=["sliders", "class"], help="what the students do")
    ap.add_argument("--students", type=int, default=30, help="class mode: students")
    ap.add_argument("--database", nargs="*", choices=["sqlite", "postgresql"],
                    default=["sqlite", "postgresql"], help="class mode: databases")
    args = ap.parse_args()
    if "sliders" in args.traffic:
        server = Server([])
        try:
            print(f"server resident memory at start: {server.rss_mb():.0f} MB")
            for n in args.sessions:
                asyncio.run(one_class(server, n, args))
        finally:
            server.stop()
    if "class" in args.traffic:
        for db in args.database:
            os.environ.update(_database_env(db))
            server = Server([])
            try:
                asyncio.run(one_lesson(server, args.students, db))
            finally:
                server.stop()
    print("Teaching model - not for clinical decisions.")


if __name__ == "__main__":
    main()
