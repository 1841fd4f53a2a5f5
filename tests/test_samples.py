"""The API reference page's Python samples (tools/samples.py, from the conformance scenarios) run as
written against the mock, each after its scenario's set-up, and get the answer the scenario expects.
(The Go samples are compiled by `nox -s go`, the TypeScript ones type-checked by `nox -s typescript`.)"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tools import conformance, samples

from .spec_support import load_spec


def test_every_python_sample_runs_and_gets_what_its_scenario_expects(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec()
    account = conformance.accounts()["accounts"]["hmac"]
    ran = []
    with conformance.mock_server() as url, httpx.Client(base_url=url, timeout=30) as http:
        monkeypatch.setenv("BITGET_API_KEY", account["apiKey"])
        monkeypatch.setenv("BITGET_SECRET_KEY", account["secretKey"])
        monkeypatch.setenv("BITGET_PASSPHRASE", account["passphrase"])
        monkeypatch.setenv("BITGET_BASE_URL", url)
        for op_id, path in sorted(samples.scenario_paths().items()):
            scenario = conformance.Scenario(path)
            scenario.setup(http)
            found = samples.code_samples(spec, fill=lambda n, field, s=scenario: s.orders[n][field], only=op_id)
            source = next(x["source"] for x in found[op_id] if x["lang"] == "Python")
            namespace: dict[str, Any] = {}
            exec(compile(source, f"<the {op_id} sample>", "exec"), namespace)  # noqa: S102 - our own sample
            problems = scenario.check(200, namespace["answer"].to_dict(), http)
            assert problems == [], f"{op_id}: {problems}\n{source}"
            ran.append(op_id)
    assert sorted(ran) == sorted({op["operationId"] for _m, _p, op in _operations(spec)})


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    from tools import docs

    return docs.operations(spec)
