"""``iclient serve`` keeps what it built once out of the cyclic collector's later passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from iclient_web import collector


@pytest.fixture
def collecting() -> Iterator[None]:
    """The collector as every other test finds it, whatever the test did to it."""
    yield
    gc.enable()
    gc.unfreeze()


class Built:
    """Something a worker builds once (a cycle, as an app and its parts are)."""

    def __init__(self) -> None:
        self.me = self


def test_settling_keeps_what_was_built_out_of_later_passes(collecting: None) -> None:
    built = Built()
    assert any(found is built for found in gc.get_objects())
    collector.settle()
    assert not any(found is built for found in gc.get_objects())  # in no generation
    assert gc.get_freeze_count() > 0


def test_settling_first_frees_what_loading_left_behind(collecting: None) -> None:
    gc.disable()  # so that only settling can free it
    Built()  # garbage at once: a cycle, freed only by a pass of the collector
    collector.settle()
    gc.unfreeze()  # what was kept is in sight again: the garbage was not kept with it
    assert not any(isinstance(found, Built) for found in gc.get_objects())
