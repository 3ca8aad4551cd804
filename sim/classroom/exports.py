"""A class's results out: CSV for a spreadsheet, xAPI statements for a learning record store.

xAPI (IEEE 9274.1.1, xAPI 2.0): one statement per answer, verb ``answered`` from the ADL
vocabulary, the preset's question as a ``cmi.interaction`` activity with its correct response,
the student as an account of this class (a pseudonym: the class code and a number, never the
nickname). Statement ids are derived from the answer, so exporting twice gives the same
statements and an LRS stores them once. Sending is optional and off unless the lecturer sets
an LRS endpoint (:func:`send`).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import urllib.request
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from .._meta import DISCLAIMER, PACKAGE_VERSION

__all__ = ["CSV_COLUMNS", "csv_text", "xapi_statements", "send", "XAPI_VERSION", "VERB_ANSWERED",
           "LRS_ENDPOINT_ENV", "PUBLIC_URL_ENV"]

XAPI_VERSION = "2.0.0"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
LRS_ENDPOINT_ENV = "MMN_SIM_LRS_ENDPOINT"
_NS = uuid.UUID("7d0c1f54-1c1e-4b8e-9a43-3c6f3b8f6a11")  # this project's statement namespace
PUBLIC_URL_ENV = "MMN_SIM_PUBLIC_URL"  # the dashboard's address: the accounts' home page
CSV_COLUMNS = ("class_code", "question", "preset", "question_text", "kind", "student",
               "nickname", "answer", "simulated_answer", "right", "submitted_utc",
               "updated_utc", "note")


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def csv_text(rows: Sequence[dict]) -> str:
    """One line per answer; every line carries the teaching-model note."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([r["class_code"], r["question"], r["preset"], r["spec"].question,
                    r["spec"].kind, r["student"], r["nickname"], r["answer"], r["simulated"],
                    "yes" if r["right"] else "no", _iso(r["submitted"]), _iso(r["updated"]),
                    DISCLAIMER])
    return buf.getvalue()


def _activity(r: dict) -> dict:
    spec = r["spec"]
    definition = {"type": INTERACTION, "name": {"en-US": r["title"]},
                  "description": {"en-US": spec.question}}
    if spec.kind == "number":
        definition["interactionType"] = "numeric"
        lo, hi = float(r["simulated"]) - spec.tolerance, float(r["simulated"]) + spec.tolerance
        definition["correctResponsesPattern"] = [f"{lo:g}[:]{hi:g}"]
    else:
        definition["interactionType"] = "choice"
        definition["choices"] = [{"id": o.replace(" ", "-"), "description": {"en-US": o}}
                                 for o in spec.options]
        definition["correctResponsesPattern"] = [str(r["simulated"]).replace(" ", "-")]
    return {"objectType": "Activity", "id": f"urn:mmn-sim:preset:{r['preset']}:ask",
            "definition": definition}


def xapi_statements(rows: Sequence[dict]) -> list[dict]:
    """One xAPI statement per answer (its latest value)."""
    home = os.environ.get(PUBLIC_URL_ENV, "").strip() or "http://localhost:8501"
    out = []
    for r in rows:
        response = r["answer"] if r["spec"].kind == "number" else r["answer"].replace(" ", "-")
        sid = uuid.uuid5(_NS, f"{r['class_code']}/{r['class_created']!r}/{r['question_id']}/"
                              f"{r['student']}/{r['updated']!r}")
        out.append({
            "id": str(sid),
            "version": XAPI_VERSION,
            "actor": {"objectType": "Agent",
                      "account": {"homePage": home,
                                  "name": f"{r['class_code']}-{r['student']}"}},
            "verb": {"id": VERB_ANSWERED, "display": {"en-US": "answered"}},
            "object": _activity(r),
            "result": {"response": response, "success": bool(r["right"])},
            "context": {
                "registration": str(uuid.uuid5(_NS, f"{r['class_code']}/"
                                                    f"{r['class_created']!r}")),
                "platform": f"MMN teaching simulator {PACKAGE_VERSION}",
                "language": "en",
                "extensions": {"urn:mmn-sim:note": DISCLAIMER},
            },
            "timestamp": _iso(r["updated"]),
        })
    return out


def send(statements: Sequence[dict], endpoint: str, username: str = "", password: str = "",
         timeout: float = 10.0) -> int:
    """POST the statements to an LRS (``endpoint``/statements); returns the HTTP status."""
    url = endpoint.rstrip("/") + "/statements"
    req = urllib.request.Request(url, data=json.dumps(list(statements)).encode(),
                                 method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("X-Experience-API-Version", XAPI_VERSION)
    if username or password:
        auth = base64.b64encode(f"{username}:{password}".encode()).decode()
        req.add_header("Authorization", f"Basic {auth}")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - lecturer's URL
        return int(resp.status)
