"""The CLI as a user drives it: a subprocess against the mock, checking output and exit codes."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bitget_cli.app import EXIT_INVALID, EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, EXIT_UNREACHABLE

from .conftest import MockClient

ENV = {"BITGET_API_KEY": "bg_demo_key", "BITGET_SECRET_KEY": "demo-secret-key", "BITGET_PASSPHRASE": "demo-passphrase"}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    result = subprocess.run(
        [sys.executable, "-m", "bitget_cli", *args],
        capture_output=True,
        text=True,
        env={**base, **(ENV if env is None else env)},
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_cancel_by_order_id_prints_table_and_summary(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url]
    r = run(*args, *[x for i in ids for x in ("--order-id", i)])
    assert r.returncode == EXIT_OK, r.stderr
    assert "Batch cancel results" in r.stdout
    assert ids[0] in r.stdout
    assert "3 orders: 3 cancelled, 0 failed, 0 unknown; 1 requests" in r.stdout
    assert mock.orders(status="live") == []


def test_partial_failure_has_its_own_exit_code_and_shows_the_code(mock: MockClient) -> None:
    order = mock.seed("BTCUSDT", 1)[0]
    r = run(
        "cancel",
        "--symbol",
        "BTCUSDT",
        "--order-id",
        order["orderId"],
        "--order-id",
        "404",
        "--base-url",
        mock.server.url,
    )
    assert r.returncode == EXIT_PARTIAL
    assert "failed" in r.stdout
    assert "43001" in r.stdout
    assert "The order does not exist" in r.stdout


def test_json_output_is_the_whole_report(mock: MockClient) -> None:
    seeded = mock.seed("ETHUSDT", 2)
    r = run(
        "cancel", "--symbol", "ETHUSDT", "--client-oid", seeded[0]["clientOid"], "--client-oid", seeded[1]["clientOid"],
        "--base-url", mock.server.url, "--json",
    )  # fmt: skip
    assert r.returncode == EXIT_OK
    report = json.loads(r.stdout)
    assert report["counts"] == {"cancelled": 2, "failed": 0, "unknown": 0}
    assert [o["order_id"] for o in report["cancelled"]] == [s["orderId"] for s in seeded]


def test_dry_run_sends_nothing_and_needs_no_credentials(mock: MockClient, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    rows = [f"BTCUSDT,{i}," for i in range(60)] + [f"ETHUSDT,,c{i}" for i in range(5)]
    path.write_text("symbol,orderId,clientOid\n" + "\n".join(rows) + "\n")
    before = mock.server.exchange.stats.as_dict()["requests"]
    r = run("cancel", "--file", str(path), "--dry-run", "--base-url", mock.server.url, env={})
    assert r.returncode == EXIT_OK, r.stderr
    assert "3 requests would be sent" in r.stdout
    assert mock.server.exchange.stats.as_dict()["requests"] == before
    j = json.loads(run("cancel", "--file", str(path), "--dry-run", "--json", env={}).stdout)
    assert [len(b["orderList"]) for b in j["batches"]] == [50, 10, 5]


def test_csv_and_json_files(mock: MockClient, tmp_path: Path) -> None:
    btc, eth = mock.seed("BTCUSDT", 2), mock.seed("ETHUSDT", 1)
    csv_path = tmp_path / "orders.csv"
    csv_path.write_text(f"orderId,clientOid\n{btc[0]['orderId']},\n,{btc[1]['clientOid']}\n")
    r = run("cancel", "--symbol", "BTCUSDT", "--file", str(csv_path), "--base-url", mock.server.url)
    assert r.returncode == EXIT_OK, r.stdout + r.stderr
    json_path = tmp_path / "orders.json"
    json_path.write_text(json.dumps({"orders": [{"symbol": "ETHUSDT", "orderId": eth[0]["orderId"]}]}))
    r = run("cancel", "--file", str(json_path), "--base-url", mock.server.url, "--json")
    assert json.loads(r.stdout)["counts"]["cancelled"] == 1
    assert mock.orders(status="live") == []


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("symbol,orderId\nBTCUSDT,1,extra\n", ".csv", "line 2: expected 2 fields"),
        ("symbol,order_id\nBTCUSDT,1\n", ".csv", "unknown column 'order_id'"),
        ("symbol,orderId,clientOid\nBTCUSDT,,\n", ".csv", "line 2: column orderId or clientOid is required"),
        ("orderId\n1\n", ".csv", "line 2: column symbol is empty (give it, or pass --symbol for all rows)"),
        ('symbol,orderId\nBTCUSDT,"123\n', ".csv", "line 2: malformed CSV: unexpected end of data"),
        ('symbol,orderId\nBTCUSDT,"12"3\n', ".csv", "line 2: malformed CSV"),
        ("symbol,orderId\nBTCUSDT,1\nBTCUSDT,1\n", ".csv", "line 3: orderId '1' is given twice (first at "),
        ("[{]", ".json", "invalid JSON at line 1"),
        ('[{"symbol": "BTCUSDT", "orderId": 5}]', ".json", "item 0: field orderId must be a string"),
        ('[{"symbol": "BTCUSDT", "orderId": "\\ud800"}]', ".json", "item 0, field orderId: character 0"),
        ("symbol,orderId\n", ".txt", "unsupported file type .txt"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, content: str, suffix: str, message: str) -> None:
    path = tmp_path / f"orders{suffix}"
    path.write_text(content)
    r = run("cancel", "--file", str(path), "--base-url", "http://127.0.0.1:9")
    assert r.returncode == EXIT_INVALID
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["cancel", "--file", "/nonexistent/orders.csv"], ENV, "no such file"),
        (["cancel", "--symbol", "BTCUSDT"], ENV, "no orders given"),
        (["cancel", "--order-id", "1"], ENV, "--symbol is required"),
        (
            ["cancel", "--symbol", "BTCUSDT", "--order-id", "2", "--order-id", ""],
            ENV,
            "--order-id #2: must not be empty",
        ),
        (["cancel", "--symbol", "", "--order-id", "1"], ENV, "--symbol"),
        (
            ["cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--order-id", "1"],
            ENV,
            "--order-id #2: orderId '1' is given twice (first at --order-id #1)",
        ),
        (["cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--timeout", "-1"], ENV, "argument --timeout"),
        (["cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--timeout", "nan"], ENV, "argument --timeout"),
        (["cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--timeout", "0"], ENV, "argument --timeout"),
        (["cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--base-url", "ftp://x"], ENV, "--base-url must be"),
        (["cancel", "--symbol", "BTCUSDT", "--order-id", "1"], {}, "credentials: missing environment variables"),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(
    mock: MockClient, args: list[str], env: dict[str, str], message: str
) -> None:
    before = mock.server.exchange.stats.as_dict()["requests"]
    extra = [] if "--base-url" in args else ["--base-url", mock.server.url]
    r = run(*args, *extra, env=env)
    assert r.returncode == EXIT_INVALID
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert mock.server.exchange.stats.as_dict()["requests"] == before


def test_refused_credentials_exit_3(mock: MockClient) -> None:
    env = {**ENV, "BITGET_SECRET_KEY": "wrong"}
    r = run("cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--base-url", mock.server.url, env=env)
    assert r.returncode == EXIT_REFUSED
    assert "40009" in r.stderr
    assert "wrong" not in r.stderr


def test_unreachable_exchange_exit_4_and_fails_fast() -> None:
    ids = [str(10**11 + i) for i in range(2500)]
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", "http://127.0.0.1:9", "--json"]
    for i in ids:
        args += ["--order-id", i]
    r = run(*args)
    assert r.returncode == EXIT_UNREACHABLE, r.stderr
    report = json.loads(r.stdout)
    assert report["counts"] == {"cancelled": 0, "failed": 2500, "unknown": 0}
    assert report["sent_count"] == 0
    # It stops after a few connection failures in a row instead of trying all 50 batches with retries.
    # (three failures in a row stop it; batches already in flight, up to max_concurrency = 10, end first)
    assert report["request_count"] <= 13, report["request_count"]
    assert "could not be reached" in r.stderr


def test_timed_out_answers_are_unknown_and_exit_1_not_4(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    mock.http.post("/mock/faults", json={"delay_rate": 1.0, "delay_ms": 1500})
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, "--timeout", "0.3", "--json"]
    r = run(*args, "--no-settle", *[a for i in ids for a in ("--order-id", i)])
    assert r.returncode == EXIT_PARTIAL, r.stderr
    assert json.loads(r.stdout)["counts"]["unknown"] == 3
    assert mock.orders(status="live") == []  # the mock did cancel them: unknown, not failed


def test_settling_turns_timed_out_answers_into_the_truth(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    mock.http.post("/mock/faults", json={"delay_rate": 1.0, "delay_ms": 1500})
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, "--timeout", "0.3", "--json"]
    r = run(*args, *[a for i in ids for a in ("--order-id", i)])
    report = json.loads(r.stdout)
    assert r.returncode == EXIT_OK, r.stderr
    assert report["counts"] == {"cancelled": 3, "failed": 0, "unknown": 0}
    assert {o["status"] for o in report["cancelled"]} == {"cancelled"}


def test_filled_orders_are_shown_apart(mock: MockClient) -> None:
    a, b = mock.seed("BTCUSDT", 2)
    mock.http.post("/mock/fill", json={"orders": [{"orderId": b["orderId"], "fraction": 1}]})
    ids = ["--order-id", a["orderId"], "--order-id", b["orderId"]]
    r = run("cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, *ids)
    assert r.returncode == EXIT_PARTIAL
    assert "filled" in r.stdout and "filled before the cancel reached it" in r.stdout
    assert "1 failed (1 filled)" in r.stdout


def test_version_flag() -> None:
    r = run("--version", env={})
    assert r.returncode == 0
    assert r.stdout.startswith("bitget-batch-cancel ")
    assert r.stdout.split()[1][0].isdigit()


def test_demo_cancels_everything_and_checks_itself() -> None:
    r = run("demo", "--orders", "120", "--unknown", "3", env={})
    assert r.returncode == 1, r.stdout + r.stderr  # as `cancel`: 3 failed (the IDs that do not exist)
    assert "123 orders: 120 cancelled, 3 failed, 0 unknown" in r.stdout
    assert "matches the mock's ground truth (0 orders still open, 0 x HTTP 429)" in r.stdout
    j = json.loads(run("demo", "--orders", "10", "--unknown", "1", "--json", env={}).stdout)
    assert j["counts"] == {"cancelled": 10, "failed": 1, "unknown": 0}
    clean = run("demo", "--orders", "30", "--unknown", "0", env={})
    assert clean.returncode == EXIT_OK and "matches the mock's ground truth" in clean.stdout


def test_rsa_key_from_a_file(tmp_path: Path) -> None:
    from bitget_mock import Account, MockExchange, MockServer, Settings

    vector = next(
        v
        for v in json.loads((Path(__file__).parent / "vectors" / "signing.json").read_text(encoding="utf-8"))["vectors"]
        if v["algorithm"] == "SHA256withRSA"
    )
    key_file = tmp_path / "key.pem"
    key_file.write_text(vector["privateKeyPem"])
    account = Account(api_key="rsa-cli", public_key_pem=vector["publicKeyPem"], passphrase="rsa-pass", uid="77")
    with MockServer(MockExchange([account], Settings(rate_limit=0))) as server:
        import httpx

        order = httpx.post(server.url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 1}).json()["orders"][0]
        env = {"BITGET_API_KEY": "rsa-cli", "BITGET_PASSPHRASE": "rsa-pass"}
        args = ["cancel", "--symbol", "BTCUSDT", "--order-id", order["orderId"], "--base-url", server.url]
        r = run(*args, "--private-key-file", str(key_file), env=env)
        assert r.returncode == EXIT_OK, r.stdout + r.stderr
        bad = run(*args, "--private-key-file", str(tmp_path / "missing.pem"), env=env)
        assert bad.returncode == EXIT_INVALID
        assert "cannot read the private key" in bad.stderr


def read_terminal(main_fd: int) -> bytes:
    """Everything a process on the other side of a pty writes, until it closes it."""
    chunks = []
    while True:
        try:
            data = os.read(main_fd, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def test_progress_bar_on_a_terminal_only() -> None:
    import pty

    main_fd, child_fd = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")} | {"TERM": "xterm", "COLUMNS": "120"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bitget_cli", "demo", "--orders", "600", "--unknown", "0"],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, close_fds=True,
    )  # fmt: skip
    os.close(child_fd)
    screen = read_terminal(main_fd).decode(errors="replace")
    assert proc.wait(timeout=120) == 0
    assert "cancelling" in screen  # the live bar was drawn
    assert "matches the mock's ground truth" in screen
    piped = run("demo", "--orders", "600", "--unknown", "0", env={})
    assert "cancelling" not in piped.stdout + piped.stderr  # no bar when not a terminal


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("bitget-batch-cancel")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert "Exit codes" in result.stdout


@pytest.mark.parametrize("flags", [["--version"], ["--help"], ["cancel", "--timeout", "0"]])
def test_help_version_and_a_bad_flag_are_answered_before_the_sdk_is_imported(flags: list[str]) -> None:
    """In an incident `--help` is the first thing typed: it must not wait for httpx, rich and the SDK
    (~0.5 s in a fresh process). Checked by what is imported, not by a clock."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bitget_cli", *flags],
        capture_output=True, text=True, env={**os.environ, **ENV}, timeout=60, check=False,
    )  # fmt: skip
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert result.returncode in (0, 2), result.stderr[-2000:]
    assert imported and not {"bitget_sdk", "httpx", "rich", "bitget_api"} & imported


def test_a_cancel_imports_neither_rich_nor_unused_models_before_its_first_request(mock: MockClient) -> None:
    """Enter to the first cancel is a bench row (section 4, goal 0.35 s); what keeps it there is what is
    imported before the first request leaves: not rich (drawn after the first answer), and only the
    generated models of the operations called. Checked by what is imported, not by a clock."""
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 1)]
    probe = (
        "import sys\n"
        "sys.modules['httpx._main'] = None  # as bitget_cli.main does before its first import of httpx\n"
        "import bitget_sdk._http.transport as t\n"
        "send = t.DeadlineTransport.handle_request\n"
        "def first(self, request):\n"
        "    if 'batch-cancel' in request.url.path and not hasattr(first, 'seen'):\n"
        "        first.seen = sorted(m for m in sys.modules if m.startswith(('rich', 'bitget_api.models.')))\n"
        "        print(repr(first.seen), file=sys.stderr)\n"
        "    return send(self, request)\n"
        "t.DeadlineTransport.handle_request = first\n"
        "import bitget_cli\n"
        "sys.exit(bitget_cli.main(sys.argv[1:]))\n"
    )
    args = ["cancel", "--symbol", "BTCUSDT", "--order-id", ids[0], "--base-url", mock.server.url, "--no-journal"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        env={**base, **ENV},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = next(ast.literal_eval(line) for line in done.stderr.splitlines() if line.startswith("["))
    assert not [m for m in seen if m.startswith("rich")], seen
    assert 0 < len(seen) <= 16, seen  # the contract has 40 models; a cancel needs about a dozen
    assert "bitget_api.models.plan_order" not in seen and "bitget_api.models.cancel_symbol_response" not in seen


def test_the_progress_bar_starts_with_the_first_answer_and_never_after_its_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar is drawn from the first answer (not before the first request); an answer that comes after
    the run (a worker that outlived an interrupt's grace) must not start a live display nobody stops."""
    from bitget_cli import render

    drawn: list[str] = []

    class Bar:
        def __init__(self, *columns: object, **kwargs: object) -> None:
            drawn.append("made")

        def add_task(self, *args: object, **kwargs: object) -> int:
            return 0

        def start(self) -> None:
            drawn.append("start")

        def stop(self) -> None:
            drawn.append("stop")

        def update(self, *args: object, **kwargs: object) -> None:
            drawn.append("update")

    monkeypatch.setattr("rich.progress.Progress", Bar)
    with render.progress(True, 10) as late:
        assert drawn == []  # nothing drawn (nor rich imported for it) before an answer
    late(1, 10)
    assert drawn == []
    with render.progress(True, 10) as update:
        update(1, 10)
        update(2, 10)
    assert drawn == ["made", "start", "update", "update", "stop"]
    update(3, 10)
    assert drawn[-1] == "stop"


def test_file_dash_reads_the_orders_from_standard_input(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    base = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    for text in ("symbol,orderId\n" + "".join(f"BTCUSDT,{i}\n" for i in ids[:2]), json.dumps([{"orderId": ids[2]}])):
        args = ["cancel", "--symbol", "BTCUSDT", "--file", "-", "--json", "--base-url", mock.server.url, "--no-journal"]
        done = subprocess.run(
            [sys.executable, "-m", "bitget_cli", *args],
            input=text, capture_output=True, text=True, env={**base, **ENV}, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["counts"]["cancelled"] == (2 if text.startswith("symbol") else 1)
    bad = subprocess.run(
        [sys.executable, "-m", "bitget_cli", "cancel", "--file", "-", "--dry-run"],
        input="symbol,orderId\nBTCUSDT\n", capture_output=True, text=True, env={**base, **ENV}, timeout=60,
        check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "<stdin> line 2" in bad.stderr


def test_the_terminal_shows_a_bounded_table_and_report_file_has_every_order(mock: MockClient, tmp_path: Path) -> None:
    ids = [str(9 * 10**11 + i) for i in range(100)]  # none exists: 100 failed
    base = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, "--no-settle", "--no-journal"]
    base += [x for i in ids for x in ("--order-id", i)]
    shown = run(*base, "--report", str(tmp_path / "all.csv"))
    assert shown.returncode == 1, shown.stderr
    assert shown.stdout.count("failed") < 30 and "80 more (every row: --report FILE, or --all)" in shown.stdout
    rows = (tmp_path / "all.csv").read_text().splitlines()
    assert rows[0].startswith("outcome,symbol,orderId,clientOid,code,message") and len(rows) == 101
    assert sorted(r.split(",")[2] for r in rows[1:]) == sorted(ids)
    again = run("cancel", "--file", str(tmp_path / "all.csv"), "--dry-run")  # the report's CSV reads back
    assert again.returncode == 0 and "2 requests would be sent" in again.stdout, again.stderr
    whole = run(*base, "--report", str(tmp_path / "all.json"), "--all")
    assert whole.stdout.count("43001") == 100
    assert len(json.loads((tmp_path / "all.json").read_text())["failed"]) == 100
    bad = run(*base, "--report", str(tmp_path / "all.txt"))
    assert bad.returncode == 2 and "--report" in bad.stderr and ".json or .csv" in bad.stderr


@pytest.mark.slow
def test_200000_orders_print_counts_and_bounded_rows_every_row_to_the_report_in_under_300_mb(
    mock: MockClient, tmp_path: Path
) -> None:
    """How long the printing takes after the run's end is a bench row (`nox -s bench`, section 4), not a
    timed test; this holds what is printed, what is written and the memory."""
    import resource

    orders = tmp_path / "orders.csv"
    orders.write_text("symbol,orderId\n" + "".join(f"BTCUSDT,{9 * 10**11 + i}\n" for i in range(200_000)))
    journal = tmp_path / "run.db"
    args = ["cancel", "--file", str(orders), "--base-url", mock.server.url, "--deadline", "3", "--no-settle"]
    args += ["--journal", str(journal), "--report", str(tmp_path / "all.csv")]
    done = subprocess.run(
        [sys.executable, "-m", "bitget_cli", *args],
        capture_output=True, text=True, timeout=300, check=False,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}, **ENV},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    assert len(done.stdout.splitlines()) < 120  # counts and a bounded table, not 200,000 rows
    rows = (tmp_path / "all.csv").read_text().splitlines()
    assert len(rows) == 200_001  # every order, in the file
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 300 * 1024  # KiB


def test_a_server_that_is_not_bitget_stops_the_run_at_once_with_exit_4(tmp_path: Path) -> None:
    """A wrong --base-url (a web site answering 404 in HTML): the first answers say it is not Bitget's
    API, so the run stops there (not 20 requests and "1000 failed"), naming the URL, exit 4."""
    import http.server
    import threading

    seen: list[str] = []

    class NotBitget(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.path)
            self.rfile.read(int(self.headers.get("content-length", 0)))
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            self.send_response(404)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotBitget)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        ids = [str(10**12 + i) for i in range(1000)]
        done = run("cancel", "--symbol", "BTCUSDT", "--base-url", url, "--json", "--no-journal",
                   *[x for i in ids for x in ("--order-id", i)])  # fmt: skip
    finally:
        server.shutdown()
    assert done.returncode == 4, done.stderr
    assert "not Bitget's API" in done.stderr and url in done.stderr
    assert len(seen) <= 10  # the requests already going when the first answer came, no more
    report = json.loads(done.stdout)
    assert report["counts"] == {"cancelled": 0, "failed": 1000, "unknown": 0} and report["sent_count"] == 0
