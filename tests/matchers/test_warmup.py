"""`compile_kernels` compiles every kernel the matcher calls, with the types it calls them
with: after it, matching a real list compiles nothing more (so a worker that ran it in a
second process, `streams.kernel_compile`, finds everything in numba's cache)."""

from __future__ import annotations

import json
import subprocess
import sys

# Run in a fresh process: in this one, other tests have compiled the kernels already.
_SCRIPT = """
import json
from matchers import Identity, Matcher
from matchers.warmup import compile_kernels, signatures
from watchlists import load
from watchlists.loaders import packaged_un_list

compiled = compile_kernels()
before = signatures()
entries = list(load(packaged_un_list()))
matcher = Matcher(entries)
matcher.warm()
for entry in entries[:400]:
    identity = entry.identity
    matcher.match(identity)
    years = [d[:4] for d in identity.birth_dates]
    matcher.match(Identity(names=identity.names[:1], birth_dates=years))
after = signatures()
new = {name: sorted(set(after[name]) - set(before[name])) for name in after}
print(json.dumps({"compiled": compiled, "new": {k: v for k, v in new.items() if v}}))
"""


def test_matching_a_real_list_compiles_nothing_after_compile_kernels() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=600, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["new"] == {}
    # every kernel called from Python, the compiled one for a spelling too long for it too
    assert {"evidence_bounds", "hopeful", "names_in_blocks", "similarities"} <= set(
        result["compiled"]
    )
    assert {"spelling_facts", "unit_similarities"} <= set(result["compiled"])
