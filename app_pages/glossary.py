"""The abbreviations a page uses, spelled out: one Glossary expander in the sidebar of every
page, and the same words as hover help where an abbreviation stands alone.

Why one list: muscle names (APB, ADM...), study measures (CMAP, CV...) and criterion numbers
(CB 2, GC 3a) appear on several pages; a student who meets one anywhere finds it here.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["GLOSSARY", "expander", "spell"]

GLOSSARY: dict[str, str] = {
    # muscles recorded or graded (sim.anatomy)
    "ADM": "abductor digiti minimi: little-finger abduction (ulnar nerve)",
    "AH": "abductor hallucis: big-toe abduction (tibial nerve)",
    "APB": "abductor pollicis brevis: thumb abduction (median nerve)",
    "EDB": "extensor digitorum brevis: toe extension on the foot (peroneal nerve)",
    "EIP": "extensor indicis proprius: index-finger extension (radial nerve)",
    "FDI": "first dorsal interosseous: index-finger abduction, pinch (ulnar nerve)",
    # studies and measures
    "CMAP": "compound muscle action potential: the muscle's summed response to a nerve "
            "stimulus",
    "SNAP": "sensory nerve action potential",
    "CV": "conduction velocity (m/s)",
    "EMG": "electromyography: a needle in the muscle records its electrical activity",
    "NCS": "nerve conduction study",
    "MRC": "Medical Research Council scale: muscle strength graded 0 (none) to 5 (normal)",
    "ONLS": "Overall Neuropathy Limitations Scale: disability, arms 0-5 plus legs 0-7",
    "IVIg": "intravenous immunoglobulin",
    "SCIg": "subcutaneous immunoglobulin",
    "IgG": "immunoglobulin G, the antibody class IVIg is made of",
    "IgM": "immunoglobulin M; IgM antibodies to GM1 are raised in 43-48% of MMN patients",
    "GM1": "a ganglioside on the axon membrane at the node of Ranvier",
    "CSF": "cerebrospinal fluid",
    "UMN / LMN": "upper / lower motor neuron",
    # criteria
    "CB 1, CB 2, CB 3": "EFNS/PNS 2010 electrodiagnostic criteria for MMN: definite block, "
                        "probable block, normal sensory conduction",
    "lab 1-4": "EFNS/PNS 2010 supportive criteria: IgM anti-GM1, CSF protein, plexus MRI, "
               "response to IVIg",
    "GC 1-3": "Gold Coast criteria for ALS (motor neuron disease): progression, upper and lower "
              "motor neuron signs, other diseases excluded",
    "MMN": "multifocal motor neuropathy",
    "CIDP": "chronic inflammatory demyelinating polyradiculoneuropathy",
    "GBS": "Guillain-Barré syndrome",
    "AMAN": "acute motor axonal neuropathy, the axonal form of GBS",
    "HNPP": "hereditary neuropathy with liability to pressure palsies",
}


def spell(term: str) -> str:
    """The glossary's words for ``term`` (the term itself when it has no entry)."""
    return GLOSSARY.get(term, term)


def expander() -> None:
    """The Glossary expander (drawn in the sidebar of every page)."""
    with st.sidebar.expander("Glossary of abbreviations"):
        st.markdown("\n".join(f"- **{k}**: {v}" for k, v in GLOSSARY.items()))
