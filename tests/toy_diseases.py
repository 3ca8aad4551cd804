"""A toy mimic for the tests of pages that must work for any registered disease.

It has MMN's lesions (so the same seed gives the same weakness) but objective sensory loss,
and corticosteroids neither help nor harm it: what tells it apart is only what the model
computes, never its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sim import diseases
from sim.diseases.mmn import MMN, MMNResponse

__all__ = ["TOY", "ToySensoryNeuropathy", "toy_registered"]

TOY = "toy_sensory"


@dataclass(frozen=True)
class ToySensoryNeuropathy(MMN):
    kind: str = TOY
    title: str = "Toy sensory neuropathy"
    response: MMNResponse = field(default_factory=lambda: MMNResponse(
        steroid_lesion_multiplier=1.0, steroid_growth_multiplier=1.0,
        steroid_progression_per_day=0.0))

    def sensory_loss(self, day: float) -> float:
        return 0.6


@contextmanager
def toy_registered() -> Iterator[str]:
    diseases.register(ToySensoryNeuropathy())
    try:
        yield TOY
    finally:
        diseases.unregister(TOY)
