"""Schemathesis through pytest against the mock on loopback (the CLI run is `nox -s fuzz`).

Same settings as the CLI (schemathesis.toml: all checks, positive and negative data, database off,
positive_data_acceptance tightened to 2xx) and the same signing hook; fewer examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from bitget_mock import MockExchange, MockServer, Settings, demo_account

from . import schemathesis_hooks  # registers the signing auth globally; also signs by hand below
from .spec_support import SPEC_PATH, load_spec, validator_for

schema = schemathesis.openapi.from_path(str(SPEC_PATH))
schema.config.generation.update(max_examples=150)
MIN_CASES = 100
ORDER_INFO = schema["/api/v2/spot/trade/orderInfo"]["GET"]
CANCEL_ORDER = schema["/api/v2/spot/trade/cancel-order"]["POST"]
IDS = {"orderId", "clientOid"}


@pytest.fixture(scope="module")
def conformance_server() -> Iterator[MockServer]:
    # Schemathesis may prepare (and so sign) explicit-example cases well before it sends them, so the
    # timestamp window is widened here; the window itself is tested in tests/test_mock_auth.py.
    settings = Settings(rate_limit=0, auth_error_status=401, timestamp_window_ms=3_600_000)
    with MockServer(MockExchange([demo_account()], settings)) as server, pytest.MonkeyPatch.context() as env:
        env.setenv("FUZZ_MOCK_URL", server.url)  # where the hook places the orders positive cancels cancel
        yield server


@pytest.fixture(scope="module")
def cases_sent() -> Iterator[list[str]]:
    """Counts the cases the fuzz test sends; once it has run (alone or not, in any order), there must have
    been at least MIN_CASES, or the run proved little."""
    sent: list[str] = []
    yield sent
    assert len(sent) >= MIN_CASES, f"the fuzz sent only {len(sent)} cases"


@schema.parametrize()
def test_contract_holds_against_the_mock(case: Any, conformance_server: MockServer, cases_sent: list[str]) -> None:
    cases_sent.append(case.operation.label)
    case.call_and_validate(base_url=conformance_server.url)


def _draw(strategy: Any, n: int) -> list[Any]:
    """`n` cases drawn from a Schemathesis strategy (signed by the hook as they are generated)."""
    drawn: list[Any] = []

    @settings(
        max_examples=n, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(case=strategy)
    def collect(case: Any) -> None:
        drawn.append(case)

    collect()
    return drawn


def test_order_info_query_names_an_order_in_the_contract_itself() -> None:
    """orderInfo's "orderId or clientOid" is the schema of its one query parameter, so a query with
    neither is schema-invalid data (Schemathesis' negative side), not valid data a server may refuse."""
    param = next(p for p in load_spec()["paths"]["/api/v2/spot/trade/orderInfo"]["get"]["parameters"] if "name" in p)
    assert (param["name"], param["in"], param.get("style"), param.get("explode")) == ("order", "query", "form", True)
    valid = validator_for(load_spec(), param["schema"]["$ref"].removeprefix("#")).is_valid
    assert not valid({}) and not valid({"orderId": ""}) and not valid({"orderId": "1", "symbol": "BTCUSDT"})
    assert valid({"orderId": "1"}) and valid({"clientOid": "c"}) and valid({"orderId": "1", "clientOid": "c"})


def test_positive_order_info_cases_name_an_order_and_are_accepted(conformance_server: MockServer) -> None:
    examples = _draw(st.one_of(ORDER_INFO.get_strategies_from_examples()), 10)
    generated = _draw(ORDER_INFO.as_strategy(generation_mode=GenerationMode.POSITIVE), 60)
    named = set()
    for case in examples + generated:
        response = case.call_and_validate(base_url=conformance_server.url)
        assert response.status_code == 200, (case.query, response.text)
        assert response.json()["code"] == "00000"
        sent = set(response.request.url.split("?", 1)[1].split("&")) if "?" in response.request.url else set()
        keys = {pair.partition("=")[0] for pair in sent}
        assert keys & IDS, case.query  # never a positive case without an identifier
        named.add(frozenset(keys & IDS))
    assert {frozenset({"orderId"}), frozenset({"clientOid"})} <= named, named  # either id alone is accepted


def test_order_info_cases_without_either_id_are_negative_and_refused(conformance_server: MockServer) -> None:
    drawn = _draw(ORDER_INFO.as_strategy(generation_mode=GenerationMode.NEGATIVE), 150)
    without = [c for c in drawn if not IDS & set(c.query) and c.meta.is_negative_at(ParameterLocation.QUERY)]
    assert len(without) >= 5, [c.query for c in drawn]
    codes = set()
    for case in without:
        response = case.call_and_validate(base_url=conformance_server.url)  # negative_data_rejection included
        assert response.status_code in (400, 401), (case.query, response.text)
        codes.add(response.json()["code"])
    assert "40019" in codes, codes

    # The contract's own example of the refusal: signed, otherwise valid, neither id.
    case = ORDER_INFO.Case(query={"requestTime": 1695808949356})
    schemathesis_hooks.BitgetSignature().set(case, {}, None)
    response = case.call(base_url=conformance_server.url)
    assert response.status_code == 400
    assert response.json()["code"] == "40019"
    assert response.json()["msg"] == "Parameter orderId or clientOid cannot be empty"


def test_positive_cancel_order_cases_cancel_an_order_placed_for_them(conformance_server: MockServer) -> None:
    """Bitget refuses a cancel of an order that is not open (43001, HTTP 400), so the hook places one for
    each positive case first: by orderId, by clientOid, normal or tpsl, each is answered 2xx."""
    cases = _draw(st.one_of(CANCEL_ORDER.get_strategies_from_examples()), 10)
    cases += _draw(CANCEL_ORDER.as_strategy(generation_mode=GenerationMode.POSITIVE), 40)
    kinds = set()
    for case in cases:
        response = case.call_and_validate(base_url=conformance_server.url)
        assert response.status_code == 200, (case.body, response.text)
        data = response.json()["data"]
        assert data["orderId"] == case.body.get("orderId", data["orderId"])
        kinds.add(("orderId" in case.body, case.body.get("tpslType", "normal")))
    assert {(True, "normal"), (False, "normal"), (True, "tpsl")} <= kinds, kinds
