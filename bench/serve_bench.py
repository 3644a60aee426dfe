#!/usr/bin/env python3
"""`make bench`: `orion serve` against nginx serving a byte copy of Orion's own page, end to end.

One run, loopback only: a throw-away PostgreSQL 15 (tests/support/postgres_server.sh) seeded with
N stores by bulk SQL, the release `orion serve` on a free port, nginx beside it, and wrk -t1 -c64
for each workload (docs/PERFORMANCE.md, "make bench", says what each one is). For every run it
records req/s, p50, p99, errors, and the server's own CPU per request (utime + stime of the
server's processes from /proc, before and after: wrk takes a core of its own), for Orion (and
PostgreSQL's backends) and for nginx's workers the same way. Results: a markdown table on stdout
and in build/bench/results.md, the same rows in results.csv, and a gnuplot PNG of throughput
and memory against the number of stores.

Settings (environment):
  BENCH_QUICK=1          a short development run: 3 s per workload, W4/W6 over 10,000 stores,
                         no million-store step
  BENCH_DURATION=S       seconds per measured run (default 10; quick 3)
  BENCH_WARMUP=S         seconds of untimed load before each measured run (default 2; quick 1)
  BENCH_STORES=N         stores of W4 and W6 (default 100000; quick 10000)
  BENCH_MAX_STORES=N     the last step of the store series (default 1000000; quick: none);
                         0 skips it
  BENCH_CONNECTIONS=C    wrk connections (default 64)
  BENCH_SQLITE=0         skip W1 on SQLite
  BENCH_ORION_ARGS='...' extra flags for orion serve (e.g. --page-cache-bytes 0)
  BENCH_NGINX_WORKERS=W  nginx worker_processes (default: the number of cores, like Orion's
                         io_threads default)
  BENCH_KEEP=1           keep the temporary folder (logs, databases) and print it
  BENCH_PNG=PATH         where the PNG goes (default docs/bench-stores.png; quick: build/bench/)
  BENCH_ONLY=W1,W3,...   only these workloads (W1..W7, S for the store series, sqlite)
  BENCH_ORION=PATH       the orion binary (default build/release/src/cli/orion), e.g. to compare
                         two builds with the same load
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORION = Path(os.environ.get("BENCH_ORION") or ROOT / "build/release/src/cli/orion").resolve()
PG_SCRIPT = ROOT / "tests/support/postgres_server.sh"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
LUA = ROOT / "bench/wrk/storefront.lua"
PLOT = ROOT / "bench/stores.gp"
OUT_DIR = ROOT / "build/bench"
PLATFORM = "platform.test"
PAGE = "/shop/products"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
DURATION = env_int("BENCH_DURATION", 3 if QUICK else 10)
WARMUP = env_int("BENCH_WARMUP", 1 if QUICK else 2)
MANY = env_int("BENCH_STORES", 10_000 if QUICK else 100_000)
MAX_STORES = env_int("BENCH_MAX_STORES", 0 if QUICK else 1_000_000)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 64)
WITH_SQLITE = os.environ.get("BENCH_SQLITE", "1") != "0"
ORION_ARGS = os.environ.get("BENCH_ORION_ARGS", "").split()
NGINX_WORKERS = env_int("BENCH_NGINX_WORKERS", os.cpu_count() or 1)
KEEP = os.environ.get("BENCH_KEEP", "") not in ("", "0")
ONLY = {w.strip() for w in os.environ.get("BENCH_ONLY", "").split(",") if w.strip()}
PNG = Path(os.environ.get("BENCH_PNG") or (OUT_DIR / "bench-stores.png" if QUICK
                                           else ROOT / "docs/bench-stores.png"))


def wanted(workload: str) -> bool:
    return not ONLY or workload in ONLY


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Process CPU and memory, from /proc


def proc_stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of the processes and of their children that exited and were waited for: a
    PostgreSQL backend that ends during a run (an overflow connection closed) moves its time
    from its own utime + stime to the postmaster's cutime + cstime, so the sum stays whole."""
    total = 0
    for pid in pids:
        try:
            fields = proc_stat(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
        # utime, stime, cutime, cstime: fields 14-17 of proc(5)
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / CLK_TCK


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(proc_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
    return found


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------------------------------------
# HTTP, for the checks around the load (wrk makes the load)


def fetch(port: int, host: str, path: str, method: str = "GET", body: str | None = None,
          headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        all_headers = {"Host": host, **(headers or {})}
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(port: int, process: subprocess.Popen, started: float, what: str) -> float:
    """Seconds from `started` to the first 200 of /readyz."""
    deadline = started + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: {what} exited with {process.returncode} before it was ready")
        try:
            status, _ = fetch(port, PLATFORM, "/readyz", timeout=2)
            if status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.01)
    raise SystemExit(f"bench: {what} was not ready within 300 s")


# ---------------------------------------------------------------------------------------------
# The database: a throw-away PostgreSQL and a SQLite file, seeded by bulk SQL


def seed_sql(first: int, last: int, now: int, sqlite: bool) -> str:
    """Stores first..last: `store<i>` "Store <i>", its theme and order sequence (as
    storage::stores::create writes them), 10 products with ids (i-1)*10+1..i*10, and for every
    5th store the domain shop<i>.example.test in the state an operator's `orion domain verify
    --force` leaves it: verified (it routes), by 'forced' (never re-checked on schedule), held
    in domain_holders, with its two events."""
    if sqlite:
        series = (f"WITH RECURSIVE s(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM s "
                  f"WHERE i < {last}) ")
        token = "lower(hex(randomblob(16)))"
        return f"""
BEGIN;
INSERT INTO stores (id, code, name, is_active, created_at)
  {series} SELECT i, 'store' || i, 'Store ' || i, 1, {now} FROM s;
INSERT INTO store_themes (store_id, updated_at)
  {series} SELECT i, {now} FROM s;
INSERT INTO store_sequences (store_id) {series} SELECT i FROM s;
INSERT INTO products (id, store_id, sku, name, description, price_cents, currency, stock,
                      image_url, is_active, deleted_at, created_at, updated_at)
  WITH RECURSIVE s(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM s WHERE i < {last}),
                 k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 10)
  SELECT (i - 1) * 10 + k, i, 'SKU-' || k, 'Product ' || k || ' of store ' || i,
         'A product of the benchmark.', 100 * k + 99, 'EUR', NULL, NULL, 1, NULL, {now}, {now}
  FROM s, k ORDER BY i, k;
INSERT INTO store_domains (store_id, domain, is_verified, verification_token, verified_at,
                           is_primary, created_at, state, verified_by, last_result, registrable)
  {series} SELECT i, 'shop' || i || '.example.test', 1, {token}, {now}, 0, {now}, 'verified',
                  'forced', 'verified by an administrator; not re-checked on schedule',
                  'example.test' FROM s WHERE i % 5 = 0;
INSERT INTO domain_holders (domain, held_by)
  {series} SELECT 'shop' || i || '.example.test', i FROM s WHERE i % 5 = 0;
INSERT INTO domain_events (store_id, domain, from_state, to_state, reason, at)
  {series} SELECT i, 'shop' || i || '.example.test', '', 'pending', 'added', {now}
  FROM s WHERE i % 5 = 0;
INSERT INTO domain_events (store_id, domain, from_state, to_state, reason, at)
  {series} SELECT i, 'shop' || i || '.example.test', 'pending', 'verified',
                  'verified by an administrator; not re-checked on schedule', {now}
  FROM s WHERE i % 5 = 0;
COMMIT;
ANALYZE;
"""
    s = f"generate_series({first}, {last}) AS s(i)"
    # Triggers off for the bulk load (the seed runs as the superuser): the change feed's log
    # would get a row per store and product, and no server is running while the stores grow.
    return f"""
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO stores (id, code, name, is_active, created_at) OVERRIDING SYSTEM VALUE
  SELECT i, 'store' || i, 'Store ' || i, TRUE, {now} FROM {s};
INSERT INTO store_themes (store_id, updated_at) SELECT i, {now} FROM {s};
INSERT INTO store_sequences (store_id) SELECT i FROM {s};
INSERT INTO products (id, store_id, sku, name, description, price_cents, currency, stock,
                      image_url, is_active, deleted_at, created_at, updated_at)
  OVERRIDING SYSTEM VALUE
  SELECT (i - 1) * 10 + k, i, 'SKU-' || k, 'Product ' || k || ' of store ' || i,
         'A product of the benchmark.', 100 * k + 99, 'EUR', NULL, NULL, TRUE, NULL, {now}, {now}
  FROM {s}, generate_series(1, 10) AS k(k);
INSERT INTO store_domains (store_id, domain, is_verified, verification_token, verified_at,
                           is_primary, created_at, state, verified_by, last_result, registrable)
  SELECT i, 'shop' || i || '.example.test', TRUE, md5('bench-token-' || i), {now}, FALSE, {now},
         'verified', 'forced', 'verified by an administrator; not re-checked on schedule',
         'example.test'
  FROM {s} WHERE i % 5 = 0;
INSERT INTO domain_holders (domain, held_by)
  SELECT 'shop' || i || '.example.test', i FROM {s} WHERE i % 5 = 0;
INSERT INTO domain_events (store_id, domain, from_state, to_state, reason, at)
  SELECT i, 'shop' || i || '.example.test', f, t, r, {now}
  FROM {s}, (VALUES ('', 'pending', 'added'),
                    ('pending', 'verified',
                     'verified by an administrator; not re-checked on schedule')) AS e(f, t, r)
  WHERE i % 5 = 0;
-- The identities go on after the explicit ids, so stores and products made later (the API,
-- the CLI) get fresh ones.
SELECT setval(pg_get_serial_sequence('stores', 'id'), {last});
SELECT setval(pg_get_serial_sequence('products', 'id'), {last} * 10);
COMMIT;
ANALYZE;
"""


class Postgres:
    """The throw-away server of the test suites, with a database of its own."""

    def __init__(self, work: Path):
        self.state = work / "pg"
        subprocess.run([str(PG_SCRIPT), "start", str(self.state)], check=True,
                       stdout=subprocess.DEVNULL)
        self.port = int((self.state / "port").read_text())
        self.owner_url = f"postgresql://postgres@127.0.0.1:{self.port}/orion_bench"
        # orion serve refuses a superuser: the application role, as docs/STORAGE.md deploys it.
        self.app_url = f"postgresql://orion_bench_web@127.0.0.1:{self.port}/orion_bench"
        self.psql("postgres", "CREATE DATABASE orion_bench")

    def psql(self, db: str, sql: str) -> str:
        result = subprocess.run(
            [str(PG_BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
             "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db],
            input=sql, text=True, capture_output=True)
        if result.returncode != 0:
            raise SystemExit(f"bench: psql failed: {result.stderr.strip()}")
        return result.stdout

    def migrate(self) -> None:
        subprocess.run([str(ORION), "migrate", "--db", self.owner_url], check=True,
                       stdout=subprocess.DEVNULL)
        self.psql("orion_bench", "CREATE ROLE orion_bench_web LOGIN NOSUPERUSER NOBYPASSRLS;"
                                 "GRANT orion_app TO orion_bench_web;")

    def seed(self, first: int, last: int) -> float:
        started = time.monotonic()
        self.psql("orion_bench", seed_sql(first, last, int(time.time()), sqlite=False))
        return time.monotonic() - started

    def count_orders_and_carts(self) -> tuple[int, int]:
        out = self.psql("orion_bench", "SELECT (SELECT count(*) FROM orders), "
                                       "(SELECT count(*) FROM sessions WHERE kind = 'shopper')")
        orders, carts = out.strip().split("|")
        return int(orders), int(carts)

    def pids(self) -> list[int]:
        data = Path((self.state / "data_dir").read_text().strip())
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        return [postmaster, *children(postmaster)]

    def stop(self) -> None:
        subprocess.run([str(PG_SCRIPT), "stop", str(self.state)], stdout=subprocess.DEVNULL)


def sqlite_database(work: Path, stores: int) -> str:
    path = work / "orion.db"
    url = f"sqlite:{path}"
    subprocess.run([str(ORION), "migrate", "--db", url], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["sqlite3", str(path)], input=seed_sql(1, stores, int(time.time()), True),
                   text=True, check=True)
    return url


# ---------------------------------------------------------------------------------------------
# The two servers


class Orion:
    def __init__(self, work: Path, db: str, name: str):
        self.port = free_port()
        self.log_path = work / f"orion-{name}.log"
        self.log_file = open(self.log_path, "wb")
        files = work / f"files-{name}"
        files.mkdir(exist_ok=True)
        started = time.monotonic()
        # Order and cart rate limits off: every request of the load comes from 127.0.0.1.
        self.process = subprocess.Popen(
            [str(ORION), "serve", "--db", db, "--listen", f"127.0.0.1:{self.port}",
             "--platform-domain", PLATFORM, "--files-dir", str(files),
             "--order-rate-limit", "0", "--cart-rate-limit", "0",
             *ORION_ARGS],
            stdout=self.log_file, stderr=subprocess.STDOUT)
        self.startup_s = wait_ready(self.port, self.process, started, f"orion serve ({name})")

    def pids(self) -> list[int]:
        return [self.process.pid]

    def rss_mib(self) -> float:
        return rss_mib(self.process.pid)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


NGINX_CONF = """\
daemon off;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log {dir}/access.log;
  client_body_temp_path {dir}/tmp;
  proxy_temp_path {dir}/tmp;
  fastcgi_temp_path {dir}/tmp;
  uwsgi_temp_path {dir}/tmp;
  scgi_temp_path {dir}/tmp;
  keepalive_requests 1000000;
  types {{ }}
  default_type text/html;
  # The store hosts Orion answers, matched by name as Orion's directory matches them: the page.
  server {{
    listen 127.0.0.1:{port};
    server_name ~^store[0-9]+\\.platform\\.test$ ~^shop[0-9]+\\.example\\.test$ platform.test;
    root {dir}/www;
    location = /shop/products {{ try_files /page.html =500; }}
    location ~ ^/stores/store[0-9]+/shop/products$ {{ try_files /page.html =500; }}
    location / {{ return 404; }}
  }}
  # Every other host: Orion's not-found page, status 404, like Orion's answer to it.
  server {{
    listen 127.0.0.1:{port} default_server;
    root {dir}/www;
    error_page 404 /notfound.html;
    location = /notfound.html {{ internal; }}
    location / {{ return 404; }}
  }}
}}
"""


class Nginx:
    def __init__(self, work: Path, page: bytes, not_found: bytes):
        self.dir = work / "nginx"
        (self.dir / "www").mkdir(parents=True)
        (self.dir / "tmp").mkdir()
        (self.dir / "www/page.html").write_bytes(page)
        (self.dir / "www/notfound.html").write_bytes(not_found)
        for p in (work, self.dir, self.dir / "www"):  # the workers run as nobody
            p.chmod(0o755)
        for p in (self.dir / "www").iterdir():
            p.chmod(0o644)
        self.port = free_port()
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workers=NGINX_WORKERS, dir=self.dir, port=self.port))
        self.process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(self.dir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(500):
            try:
                if fetch(self.port, "store1." + PLATFORM, PAGE, timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.01)
        else:
            raise SystemExit("bench: nginx did not start: " + self.process.stderr.read().decode())
        # Byte for byte what Orion sent.
        assert fetch(self.port, "store1." + PLATFORM, PAGE)[1] == page

    def pids(self) -> list[int]:
        return children(self.process.pid)  # the workers; the master only waits

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------------------------------------
# wrk


@dataclass
class Run:
    workload: str
    server: str  # orion | nginx | orion-sqlite
    stores: int
    requests: int = 0
    seconds: float = 0
    rps: float = 0
    p50_ms: float = 0
    p99_ms: float = 0
    errors: int = 0
    cpu_us: float = 0  # server CPU per request
    db_cpu_us: float | None = None  # PostgreSQL's backends, per request
    rss_mib: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def wrk(port: int, mode: str, stores: int, seconds: int, out: Path,
        shipping: bool = False) -> dict:
    env = {**os.environ, "BENCH_MODE": mode, "BENCH_STORES": str(stores),
           "BENCH_PLATFORM": PLATFORM, "BENCH_PAGE": PAGE, "BENCH_OUT": str(out),
           "BENCH_SHIPPING": "1" if shipping else "0"}
    out.unlink(missing_ok=True)
    subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s",
                    str(LUA), f"http://127.0.0.1:{port}/"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def measure(work: Path, workload: str, server: str, port: int, pids, mode: str, stores: int,
            db_pids=None, expect_status_errors: bool = False, shipping: bool = False) -> Run:
    """One warm-up, then one measured wrk run with the servers' CPU read around it."""
    out = work / "wrk.json"
    if WARMUP > 0:
        wrk(port, mode, stores, WARMUP, out, shipping)
    # The process lists are read again after the run: backends start and end meanwhile.
    cpu0 = cpu_seconds(pids())
    db0 = cpu_seconds(db_pids()) if db_pids else 0
    result = wrk(port, mode, stores, DURATION, out, shipping)
    cpu1 = cpu_seconds(pids())
    db1 = cpu_seconds(db_pids()) if db_pids else 0
    n = max(result["requests"], 1)
    sockets = result["connect"] + result["read"] + result["write"] + result["timeout"]
    # wrk counts statuses >= 400 as errors; where every answer must be 404 (W5), an error is
    # an answer that is not.
    status_errors = n - result["status"] if expect_status_errors else result["status"]
    run = Run(workload, server, stores, requests=result["requests"],
              seconds=result["duration_us"] / 1e6,
              rps=result["requests"] / (result["duration_us"] / 1e6),
              p50_ms=result["p50_us"] / 1000, p99_ms=result["p99_us"] / 1000,
              errors=sockets + status_errors, cpu_us=(cpu1 - cpu0) / n * 1e6,
              db_cpu_us=(db1 - db0) / n * 1e6 if db_pids else None)
    log(f"{workload:4} {server:12} {run.rps:10.0f} req/s  p50 {run.p50_ms:.2f} ms  "
        f"p99 {run.p99_ms:.2f} ms  errors {run.errors}  cpu {run.cpu_us:.0f} us/req")
    return run


# ---------------------------------------------------------------------------------------------
# W7: a writer renames a product every 100 ms; after each acknowledged rename every address of
# the store must show the new name at once.


class Renamer(threading.Thread):
    def __init__(self, port: int, token: str, store: int, product_id: int):
        super().__init__(daemon=True)
        self.port, self.token, self.store, self.product_id = port, token, store, product_id
        self.stop_event = threading.Event()
        self.acknowledged = 0
        self.checks = 0
        self.violations = 0
        self.failures = 0
        self.examples: list[str] = []
        self.ack_ms: list[float] = []

    def addresses(self) -> list[tuple[str, str]]:
        i = self.store
        return [(f"store{i}.{PLATFORM}", PAGE), (f"shop{i}.example.test", PAGE),
                (PLATFORM, f"/stores/store{i}{PAGE}"),
                (f"store{i}.{PLATFORM}", f"/shop/api/products/{self.product_id}")]

    def run(self) -> None:
        k = 0
        next_at = time.monotonic()
        while not self.stop_event.is_set():
            k += 1
            name = f"Renamed product {k} {int(time.time() * 1000)}"
            body = json.dumps({"name": name})
            sent = time.monotonic()
            try:
                status, _ = fetch(self.port, PLATFORM,
                                  f"/api/v1/stores/store{self.store}/products/{self.product_id}",
                                  "PATCH", body, {"Authorization": f"Bearer {self.token}",
                                                  "Content-Type": "application/json"})
            except OSError:
                status = 0
            if status != 200:
                self.failures += 1
            else:
                self.acknowledged += 1
                self.ack_ms.append((time.monotonic() - sent) * 1000)
                for host, path in self.addresses():
                    self.checks += 1
                    try:
                        got_status, page = fetch(self.port, host, path)
                    except OSError:
                        got_status, page = 0, b""
                    if got_status != 200 or name.encode() not in page:
                        self.violations += 1
                        if len(self.examples) < 3:
                            self.examples.append(f"{host}{path} after '{name}': {got_status}")
            next_at += 0.1
            self.stop_event.wait(max(0.0, next_at - time.monotonic()))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


# ---------------------------------------------------------------------------------------------
# Output


def fmt(value, digits=0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


WORKLOADS = {
    "W1": "product list by subdomain, 10 stores",
    "W2": "custom domain, the 2 of 10 stores that have one",
    "W3": "path-based, 10 stores",
    "W4": "{many} stores, uniform random Host",
    "W5": "unknown hosts → 404",
    "W6": "mix over {many} stores: 90 % pages, 5 % cart adds, 5 % API orders",
    "W7": "W1 while a product is renamed every 100 ms",
    "S": "store series: uniform random Host over N stores",
}


def table(runs: list[Run], series: list[dict], facts: list[str]) -> str:
    by_key = {(r.workload, r.server, r.stores): r for r in runs}
    notes: list[str] = []
    lines = [
        "| workload | stores | server | req/s | p50 ms | p99 ms | errors | server CPU µs/req "
        "| PostgreSQL CPU µs/req | RSS MiB | req/s vs nginx | CPU vs nginx |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in runs:
        peer = by_key.get((r.workload, "nginx", r.stores))
        vs_rps = vs_cpu = "–"
        if peer and r.server != "nginx":
            vs_rps = f"{r.rps / peer.rps:.2f}×"
            vs_cpu = f"{r.cpu_us / peer.cpu_us:.1f}×" if peer.cpu_us > 0 else "–"
        label = r.workload + (f" [{len(notes) + 1}]" if r.note else "")
        if r.note:
            notes.append(f"[{len(notes) + 1}] {r.workload}, {r.server}: {r.note}")
        lines.append(f"| {label} | {r.stores:,} | {r.server} | {fmt(r.rps)} | {fmt(r.p50_ms, 2)} "
                     f"| {fmt(r.p99_ms, 2)} | {r.errors} | {fmt(r.cpu_us)} | {fmt(r.db_cpu_us)} "
                     f"| {fmt(r.rss_mib)} | {vs_rps} | {vs_cpu} |")
    legend = [f"- **{k}**: {v.format(many=f'{MANY:,}')}" for k, v in WORKLOADS.items()]
    scale = ["| stores | orion req/s | nginx req/s | orion / nginx | orion RSS MiB after the run "
             "| orion start-up ms (process start → /readyz 200) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for p in series:
        scale.append(f"| {p['stores']:,} | {fmt(p['orion_rps'])} | {fmt(p['nginx_rps'])} "
                     f"| {p['orion_rps'] / p['nginx_rps']:.3f}× | {fmt(p['rss_mib'])} "
                     f"| {fmt(p['startup_s'] * 1000)} |")
    return "\n".join(lines + [""] + [f"- {n}" for n in notes] + [""] + legend + [""] + scale +
                     [""] + [f"- {f}" for f in facts]) + "\n"


def write_csv(runs: list[Run], path: Path) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["workload", "stores", "server", "requests", "seconds", "rps", "p50_ms",
                    "p99_ms", "errors", "server_cpu_us_per_req", "db_cpu_us_per_req", "rss_mib",
                    "note"])
        for r in runs:
            w.writerow([r.workload, r.stores, r.server, r.requests, f"{r.seconds:.3f}",
                        f"{r.rps:.1f}", f"{r.p50_ms:.3f}", f"{r.p99_ms:.3f}", r.errors,
                        f"{r.cpu_us:.1f}", "" if r.db_cpu_us is None else f"{r.db_cpu_us:.1f}",
                        "" if r.rss_mib is None else f"{r.rss_mib:.1f}", r.note])


def plot(series: list[dict], path: Path) -> None:
    data = OUT_DIR / "stores.dat"
    with open(data, "w") as f:
        f.write("# stores orion_rps nginx_rps orion_rss_mib orion_startup_s\n")
        for s in series:
            f.write(f"{s['stores']} {s['orion_rps']:.1f} {s['nginx_rps']:.1f} "
                    f"{s['rss_mib']:.1f} {s['startup_s']:.3f}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gnuplot", "-e", f"data='{data}'; out='{path}'; "
                    f"stamp='{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                    f"wrk -t1 -c{CONNECTIONS}, {DURATION} s per point'", str(PLOT)], check=True)


# ---------------------------------------------------------------------------------------------


def main() -> int:
    for tool in ("wrk", "nginx", "gnuplot", "sqlite3", "curl"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench: {tool} is missing (make deps)")
    if not ORION.exists():
        raise SystemExit(f"bench: {ORION} is missing (cmake --build --preset release)")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="orion-bench."))
    began = time.monotonic()
    runs: list[Run] = []
    series: list[dict] = []
    facts: list[str] = []
    pg = orion = nginx = None
    try:
        log(f"PostgreSQL 15 in {work}")
        pg = Postgres(work)
        pg.migrate()
        seeded = 0

        def grow(n: int) -> None:
            nonlocal seeded
            if n > seeded:
                took = pg.seed(seeded + 1, n)
                log(f"seeded stores {seeded + 1}..{n} in {took:.1f} s")
                facts.append(f"seeding stores {seeded + 1:,}..{n:,} (10 products each) took "
                             f"{took:.1f} s")
                seeded = n

        def restart(n: int) -> Orion:
            nonlocal orion
            if orion:
                orion.stop()
            orion = Orion(work, pg.app_url, f"{n}")
            log(f"orion serve with {n:,} stores ready in {orion.startup_s * 1000:.0f} ms, "
                f"RSS {orion.rss_mib():.0f} MiB")
            return orion

        def point(n: int, rows: list[Run]) -> None:
            o = next(r for r in rows if r.server == "orion")
            x = next(r for r in rows if r.server == "nginx")
            o.rss_mib = orion.rss_mib()
            series.append({"stores": n, "orion_rps": o.rps, "nginx_rps": x.rps,
                           "rss_mib": o.rss_mib, "startup_s": orion.startup_s})

        def pair(workload: str, mode: str, n: int, **kw) -> list[Run]:
            rows = [measure(work, workload, "orion", orion.port, orion.pids, mode, n,
                            db_pids=pg.pids, **kw),
                    measure(work, workload, "nginx", nginx.port, nginx.pids, mode, n, **kw)]
            runs.extend(rows)
            return rows

        # ---- 10 stores: W1, W2, W3, W5, W7
        grow(10)
        restart(10)
        status, page = fetch(orion.port, f"store1.{PLATFORM}", PAGE)
        if status != 200 or b"Store 1" not in page:
            raise SystemExit(f"bench: store1's product list answered {status}")
        nf_status, not_found = fetch(orion.port, f"nostore.{PLATFORM}", PAGE)
        if nf_status != 404:
            raise SystemExit(f"bench: an unknown host answered {nf_status}, not 404")
        for host, path in ((f"shop5.example.test", PAGE), (PLATFORM, f"/stores/store7{PAGE}")):
            if fetch(orion.port, host, path)[0] != 200:
                raise SystemExit(f"bench: {host}{path} does not answer 200")
        nginx = Nginx(work, page, not_found)
        facts.append(f"nginx serves a byte copy of Orion's page ({len(page):,} bytes; its 404 "
                     f"page {len(not_found):,} bytes), {NGINX_WORKERS} worker(s), access log on; "
                     f"orion serve with its defaults (io_threads = cores, access log at info) "
                     f"and the order and cart rate limits off")
        if wanted("W1") or wanted("S"):
            point(10, pair("W1", "subdomain", 10))
        if wanted("W2"):
            pair("W2", "domain", 10)
        if wanted("W3"):
            pair("W3", "path", 10)
        if wanted("W5"):
            pair("W5", "unknown", 10, expect_status_errors=True)

        token = subprocess.run([str(ORION), "token", "create", "--admin", "--db", pg.owner_url],
                               check=True, capture_output=True, text=True).stdout.strip()
        if wanted("W7"):
            runs.append(w7_run(work, orion, pg, token))

        # ---- 1,000 stores, then MANY: W4 and W6, then the million
        steps = set()
        if wanted("S"):
            steps |= {1000, MANY} | ({MAX_STORES} if MAX_STORES > MANY else set())
        if wanted("W4") or wanted("W6"):
            steps.add(MANY)
        steps = sorted(steps)
        for n in steps:
            grow(n)
            restart(n)
            if wanted("S") or wanted("W4"):
                point(n, pair("W4" if n == MANY else "S", "subdomain", n))
            rss = orion.rss_mib()
            if n == MANY and wanted("W6"):
                shipping = order_needs_shipping(orion.port, token)
                before = pg.count_orders_and_carts()
                w6 = measure(work, "W6", "orion", orion.port, orion.pids, "mix", n,
                             db_pids=pg.pids, shipping=shipping)
                after = pg.count_orders_and_carts()
                w6.note = (f"{after[0] - before[0]:,} orders and {after[1] - before[1]:,} cart "
                           f"sessions made during the warm-up and the run")
                runs.append(w6)
            if n == max(steps):
                facts.append(f"with {n:,} stores: orion serve start-up (process start → /readyz "
                             f"200) {orion.startup_s * 1000:,.0f} ms, RSS after the run "
                             f"{rss:,.0f} MiB")

        # ---- SQLite: W1
        if WITH_SQLITE and wanted("sqlite"):
            orion.stop()
            orion = Orion(work, sqlite_database(work, 10), "sqlite")
            run = measure(work, "W1", "orion-sqlite", orion.port, orion.pids, "subdomain", 10)
            runs.append(run)

        facts.append(f"wrk -t1 -c{CONNECTIONS}, {WARMUP} s warm-up then {DURATION} s measured "
                     f"per row; CPU from /proc/PID/stat (utime + stime) of orion serve, of "
                     f"PostgreSQL's postmaster and backends, and of nginx's workers")
        facts.append(f"machine: {machine()}; whole run {time.monotonic() - began:.0f} s")
    finally:
        for server in (orion, nginx):
            if server:
                server.stop()
        if pg:
            pg.stop()
        if KEEP:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    report = table(runs, series, facts)
    (OUT_DIR / "results.md").write_text(report)
    write_csv(runs, OUT_DIR / "results.csv")
    if len(series) > 1:
        plot(series, PNG)
    print(report)
    log(f"wrote {OUT_DIR / 'results.md'}, {OUT_DIR / 'results.csv'}" +
        (f" and {PNG}" if len(series) > 1 else ""))
    return 0


def w7_run(work: Path, orion: Orion, pg: Postgres, token: str) -> Run:
    """W1's load while the Renamer renames a product of store5 every 100 ms and checks every
    address of the store after each acknowledged rename."""
    _, body = fetch(orion.port, f"store5.{PLATFORM}", "/shop/api/products")
    listed = json.loads(body)
    products = (next(v for v in listed.values() if isinstance(v, list))
                if isinstance(listed, dict) else listed)
    renamer = Renamer(orion.port, token, 5, int(products[0]["id"]))
    renamer.start()
    try:
        run = measure(work, "W7", "orion", orion.port, orion.pids, "subdomain", 10,
                      db_pids=pg.pids)
    finally:
        renamer.stop_event.set()
        renamer.join()
    run.note = (f"{renamer.acknowledged} renames acknowledged (p50 "
                f"{percentile(renamer.ack_ms, 50):.1f} ms, p99 "
                f"{percentile(renamer.ack_ms, 99):.1f} ms), {renamer.checks} checks, "
                f"{renamer.violations} stale or wrong, {renamer.failures} renames refused")
    if renamer.examples:
        run.note += "; e.g. " + "; ".join(renamer.examples)
    run.extra = {"violations": renamer.violations}
    return run


def order_needs_shipping(port: int, token: str) -> bool:
    """Whether this server's POST /shop/api/orders wants a shipping address (DESIGN.md §7):
    one order without it tells."""
    del token
    body = json.dumps({"customer_email": "probe@example.test",
                       "items": [{"product_id": 1, "quantity": 1}]})
    status, answer = fetch(port, f"store1.{PLATFORM}", "/shop/api/orders", "POST", body,
                           {"Content-Type": "application/json"})
    if status == 201:
        return False
    if status == 422 and b"shipping" in answer:
        return True
    raise SystemExit(f"bench: a probe order answered {status}: {answer[:200]!r}")


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores, {model}, load {load:.1f} at the end"


if __name__ == "__main__":
    sys.exit(main())
