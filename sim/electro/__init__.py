"""Nerve conduction study (NCS): CMAPs, SNAPs, waveforms and EFNS/PNS 2010 block grading.

Why this package exists: conduction block is what defines MMN electrodiagnostically, so the
simulator must show what an EMG laboratory would measure from the disease state at any day,
and grade it exactly as the guideline does (van Schaik et al., J Peripher Nerv Syst
2010;15:295). One module per stage: ``params`` (working values), ``normals`` (a patient's
healthy baseline), ``conduction`` (the study table at a site snapshot), ``criteria`` (block
grading and the reading of a study), ``waveforms`` (synthetic traces), ``fwaves``
(persistence and minimal latency through the proximal nerve), ``emg`` (the needle at rest and
on effort), ``emg_traces`` (synthetic needle traces for display).
"""

from __future__ import annotations

from .conduction import STUDY_COLUMNS, study
from .criteria import (
    GRADES,
    StudySummary,
    grade_block,
    most_blocked_nerve,
    most_blocked_segment,
    probe_segments,
    summarize,
)
from .emg import EMG_COLUMNS, EMG_PARAMS, RECRUITMENT, EmgParams, emg
from .emg_traces import effort_trace, rest_trace
from .fwaves import FWAVE_COLUMNS, FWAVE_NERVES, FWAVE_PARAMS, FwaveParams, fwaves
from .normals import MotorBaseline, NcsBaseline, SensoryBaseline, draw_baseline
from .params import DEFAULT_PARAMS, NcsParams
from .waveforms import cmap_waveform, snap_waveform, study_waveforms

__all__ = [
    "STUDY_COLUMNS",
    "GRADES",
    "NcsParams",
    "DEFAULT_PARAMS",
    "MotorBaseline",
    "SensoryBaseline",
    "NcsBaseline",
    "draw_baseline",
    "grade_block",
    "study",
    "cmap_waveform",
    "snap_waveform",
    "study_waveforms",
    "StudySummary",
    "summarize",
    "most_blocked_nerve",
    "most_blocked_segment",
    "probe_segments",
    "EMG_COLUMNS",
    "EMG_PARAMS",
    "EmgParams",
    "RECRUITMENT",
    "emg",
    "rest_trace",
    "effort_trace",
    "FWAVE_COLUMNS",
    "FWAVE_NERVES",
    "FWAVE_PARAMS",
    "FwaveParams",
    "fwaves",
]
