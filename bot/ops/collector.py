"""Keep Python's cyclic garbage collector from pausing serve for a tenth of a second.

A full collection walks every object the process tracks: about 340,000 once serve has
started (the Thai word list, SQLAlchemy's and the SDKs' structures), which took 130 ms on
the build machine, every few seconds under load, during which no webhook is answered and no
turn runs (bench/README.md). Those objects live as long as the process, so once start-up is
done they are moved out of the collector's sight (`gc.freeze`); it then walks only what
was made since, which is mostly short-lived.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_what_start_up_made() -> int:
    """Collect start-up's garbage, then exempt everything left from later collections;
    returns how many objects are exempt. Once per process: what a frozen object holds is
    never collected, so a process that starts serving again (the tests) freezes no more."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
        # In thousands, as a float: the log redaction hides integers from 10,000 on (ids).
        log.info("start-up objects kept out of garbage collection: %.0f thousand",
                 gc.get_freeze_count() / 1000)  # fmt: skip
    return gc.get_freeze_count()
