"""Virtual trials: simulate a pool of patients under every arm once, then draw many trials."""
from .design import TrialDesign, TrialError, load_design, loads_design, parse_design

__all__ = ["TrialDesign", "TrialError", "load_design", "loads_design", "parse_design"]
