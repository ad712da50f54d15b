"""The memory probe recorded beside each pipeline run."""

from __future__ import annotations

from bench.machine import memory_latency_ns, one_cycle


def test_the_chain_visits_every_slot_once_before_it_comes_back() -> None:
    successor = one_cycle(1_000, seed=3)
    seen, at = [], 0
    for _ in range(1_000):
        seen.append(at)
        at = int(successor[at])
    assert at == 0 and sorted(seen) == list(range(1_000))
    assert list(successor[:10]) != list(range(1, 11))  # shuffled, not the plain order


def test_memory_latency_is_measured_in_nanoseconds_per_load() -> None:
    ns = memory_latency_ns(megabytes=4, steps=100_000)
    assert 0.1 < ns < 10_000  # a load: at least a cycle, at most a page fault's worth
