"""SQLite's write lock within one process: writers queue in order, and a webhook's store
(`URGENT`) goes before the turns and deliveries already waiting, so the platform's answer
does not wait behind them."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from storage.db import URGENT, make_engine
from tests.waiting import eventually_sync


def test_an_urgent_writer_goes_before_the_ordinary_ones_waiting(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("create table done (who text)")
    lock = engine.pool.connect().dbapi_connection.writer_lock  # type: ignore[union-attr]
    order: list[str] = []

    def write(who: str, bind: sa.Engine) -> None:
        with bind.begin() as conn:
            order.append(who)
            conn.exec_driver_sql("insert into done values (?)", (who,))

    with engine.begin() as holder:  # a turn holds the lock
        holder.exec_driver_sql("insert into done values ('turn')")
        threads = [threading.Thread(target=write, args=("delivery", engine))]
        threads[0].start()
        eventually_sync(lambda: lock.waiting() == (0, 1), what="the ordinary writer waits")
        threads.append(
            threading.Thread(target=write, args=("store", engine.execution_options(**URGENT)))
        )
        threads[1].start()
        eventually_sync(lambda: lock.waiting() == (1, 1), what="both writers wait")
    for thread in threads:
        thread.join()

    assert order == ["store", "delivery"]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from done").scalar() == 3
    engine.dispose()


def test_ordinary_writers_are_served_in_the_order_they_came(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    lock = engine.pool.connect().dbapi_connection.writer_lock  # type: ignore[union-attr]
    order: list[int] = []

    def write(n: int) -> None:
        with engine.begin():
            order.append(n)

    threads = []
    with engine.begin():
        for n in range(5):
            threads.append(threading.Thread(target=write, args=(n,)))
            threads[-1].start()
            eventually_sync(lambda n=n: lock.waiting() == (0, n + 1), what=f"writer {n} waits")
    for thread in threads:
        thread.join()

    assert order == [0, 1, 2, 3, 4]
    engine.dispose()
