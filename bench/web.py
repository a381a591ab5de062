"""Page response times at a bench scale: search, a participant's page, the office dashboard
and the collector's phone list.

Serves the project as a server runs it (README, "A server serves ..."): gunicorn (4 sync
workers, like a production install on this 2-core machine) with the database task backend
and `manage.py worker` beside it (db_worker with its own process id), which refreshes stale
figures outside the requests (decision 0026), on the bench database. The figures the office's
dashboard reads are stored first, as the nightly `figures refresh` would have stored them.
First one user asks for each
page alone, one request after another: the single-request time, the machine's own speed.
Then 20 virtual users log in (all of them before the clock starts: 20 password hashes in one
second are a login storm, timed on its own at the end), 15 officials of the first office who
search, open a participant's page and open the dashboard, and the 5 of its collectors with the
longest lists who open their phone list (this month's cycle is issued for the office first,
and undone after), each with a short
think time between requests (as people at desks and in the field do). Prints the p50 and
p95 of each page beside the 300 ms target and beside the single request; a second,
closed-loop run with no think time shows how far the server is from saturation; then how
many figures refreshes the worker was asked for and ran during the loads.

Run: `python bench/web.py` (after `python bench/generate.py`), or as part of `make bench`.
"""

from __future__ import annotations

import gzip
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from common import BENCH_URL, ROOT, setup_django

PORT = 8931
USERS = 20
COLLECTORS = 5  # of the USERS
SINGLE = 15  # requests per page for the single-request time
DURATION_S = 25
THINK_S = (0.5, 1.5)
PASSWORD = "bench-password"
NAMES = ["nguyen van", "tran thi", "le van hung", "pham thi lan", "vo", "huynh thi mai"]


def prepare() -> tuple[list[tuple[str, str]], list[int]]:
    """Bench users (officials and collectors of the first office, one per virtual user) and
    participant ids of the office. Issues the office's cycle for this month (the phone list's)."""
    setup_django()
    from datetime import date

    from django.db.models import Count

    from ansinh.accounts.models import Role, User
    from ansinh.accounts.scope import office_communes
    from ansinh.collection.cycle import issue_cycle
    from ansinh.collection.models import CycleEntry
    from ansinh.places.models import Office
    from ansinh.registry.models import Person
    from ansinh.rules.months import Month

    office = Office.objects.filter(kind=Office.Kind.BASE).order_by("code").first()
    run = issue_cycle(office, Month.of(date.today())).run
    # The collectors with the longest lists (a list, not a lazy slice: each index of an
    # unordered slice was a query of its own, and gave one collector to two users).
    busiest = list(
        CycleEntry.objects.filter(run=run, collector__isnull=False)
        .values("collector_id")
        .annotate(n=Count("id"))
        .order_by("-n", "collector_id")
        .values_list("collector_id", "n")[:COLLECTORS]
    )
    print(f"  the {COLLECTORS} collectors' lists: {', '.join(str(n) for _c, n in busiest)} people")
    busiest = [c for c, _n in busiest]
    users = []
    for i in range(USERS):
        collector = busiest[i - (USERS - COLLECTORS)] if i >= USERS - COLLECTORS else None
        role = Role.COLLECTOR if collector else Role.OFFICIAL
        user, _ = User.objects.update_or_create(
            username=f"bench{i}",
            defaults={"role": role, "office": None if collector else office},
        )
        if collector:
            User.objects.filter(collector_id=collector).exclude(pk=user.pk).update(collector=None)
            user.collector_id = collector
        user.set_password(PASSWORD)
        user.save()
        users.append((user.username, "collector" if collector else "official"))
    _store_dashboard_figures(office, users)
    communes = office_communes(office)
    ids = list(
        Person.objects.filter(commune_id__in=communes, vsi_enrolments__isnull=False)
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    return users, ids


def _store_dashboard_figures(office, users) -> None:
    """The months the office's dashboard reads, stored (the nightly refresh's state)."""
    from datetime import date

    from ansinh.accounts.models import User
    from ansinh.reports.queries import office_figures

    official = User.objects.get(username=next(name for name, role in users if role == "official"))
    started = time.perf_counter()
    office_figures(official, office, date.today())
    print(f"  dashboard figures stored in {time.perf_counter() - started:.1f} s")


REFRESH_TASK = "ansinh.reports.tasks.refresh_figures_task"


def background_refreshes(since) -> str:
    """The figures refreshes asked for since `since`: how many, and how the worker ran them."""
    from collections import Counter

    from django_tasks_db.models import DBTaskResult

    tasks = list(DBTaskResult.objects.filter(task_path=REFRESH_TASK, enqueued_at__gte=since))
    statuses = Counter(t.status for t in tasks)
    took = sorted(
        (t.finished_at - t.started_at).total_seconds()
        for t in tasks
        if t.started_at and t.finished_at
    )
    stored = sum(t.return_value or 0 for t in tasks if t.status == "SUCCESSFUL")
    return (
        f"{len(tasks)} asked ({', '.join(f'{n} {s.lower()}' for s, n in sorted(statuses.items()))})"
        f", {stored} rows stored, each {_runs(took, '.1f')} s"
    )


def finish() -> None:
    """Undo this month's cycle (issued by prepare) and its suspensions."""
    from datetime import date

    from run import undo_cycle

    from ansinh.rules.months import Month

    undo_cycle(Month.of(date.today()))


class Session:
    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None):
        # As a browser asks: compressed (the server's GZip is part of each page's time).
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Encoding": "gzip",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}/login/"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username):
        status, page = self.request("GET", "/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            raise SystemExit(f"bench login page for {username}: HTTP {status} {page[:300]!r}")
        token = found.group(1).decode()
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        status, _ = self.request("POST", "/login/", body)
        if status != 302:
            raise SystemExit(f"bench login failed for {username}: HTTP {status}")


KINDS = ("search", "person", "dashboard", "phone list")


def next_path(rnd, role: str, ids) -> tuple[str, str]:
    if role == "collector":
        show = rnd.choice(["", "", "?show=unpaid", "?show=due", "?q=nguoi"])
        return "phone list", f"/collection/my/{show}"
    kind = rnd.choice(["search", "search", "person", "person", "dashboard"])
    if kind == "search":
        return kind, "/persons/?q=" + urllib.parse.quote(rnd.choice(NAMES))
    if kind == "person":
        return kind, f"/persons/{rnd.choice(ids)}/"
    return kind, "/dashboard/"


def timed(s: Session, path: str) -> float:
    started = time.perf_counter()
    status, _ = s.request("GET", path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status}")
    return elapsed


def single_requests(users, ids) -> dict[str, float]:
    """Each page asked for alone, one request after another: the median (ms)."""
    official = Session()
    official.login(next(name for name, role in users if role == "official"))
    collector = Session()
    collector.login(next(name for name, role in users if role == "collector"))
    rnd = random.Random(7)
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    while any(len(v) < SINGLE for v in times.values()):
        for role, s in (("official", official), ("collector", collector)):
            kind, path = next_path(rnd, role, ids)
            if len(times[kind]) < SINGLE:
                times[kind].append(timed(s, path))
    return {k: statistics.median(v) for k, v in times.items()}


def run_load(users, ids, think: bool) -> dict[str, list[float]]:
    """Every user logs in first; the timed load starts when all are in. A login is a deliberately
    slow password hash (~0.3 s of CPU), and 20 of them in one second would be a login storm,
    not the pages' load: measured on its own in `login_storm`."""
    timings: dict[str, list[float]] = {k: [] for k in KINDS}
    lock = threading.Lock()
    stop = [0.0]
    all_in = threading.Barrier(
        len(users), action=lambda: stop.__setitem__(0, time.monotonic() + DURATION_S)
    )

    def user(name, role):
        rnd = random.Random(name)
        s = Session()
        try:
            s.login(name)
        finally:
            all_in.wait()  # a failed login still arrives; its error fails the run after
        while time.monotonic() < stop[0]:
            kind, path = next_path(rnd, role, ids)
            elapsed = timed(s, path)
            with lock:
                timings[kind].append(elapsed)
            if think:
                time.sleep(rnd.uniform(*THINK_S))

    errors = []

    def guarded(name, role):
        try:
            user(name, role)
        except BaseException as exc:  # a thread's failure fails the benchmark
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=u) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"a virtual user failed: {errors[0]}")
    return timings


def login_storm(users) -> list[float]:
    """All users log in at the same moment (the morning's first minute): each login's time (ms)."""
    times: list[float] = []
    start = threading.Barrier(len(users))

    def login(name):
        s = Session()
        start.wait()
        began = time.perf_counter()
        s.login(name)
        times.append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=login, args=(name,)) for name, _role in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values))) - 1)] if values else 0


def main(runs: int = 1):
    users, ids = prepare()
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "ANSINH_DEBUG": "0",
        "ANSINH_HTTPS": "0",  # plain HTTP on the loopback, as on an office's LAN
        "PYTHONPATH": str(ROOT / "src"),
        # As a server runs (README): stale figures refreshed by the worker, not in a request.
        "ANSINH_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    gunicorn = ["-m", "gunicorn", "ansinh.wsgi", "-w", "4", "-b", f"127.0.0.1:{PORT}"]
    server = subprocess.Popen(
        [sys.executable, *gunicorn, "--log-level", "warning"], cwd=ROOT, env=env
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
    )
    from django.utils import timezone

    started = timezone.now()
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        run_load(users[:2] + users[-1:], ids, think=False)  # warm the workers
        print(
            f"\nPages, {USERS} concurrent users ({USERS - COLLECTORS} officials, {COLLECTORS} "
            f"collectors), gunicorn 4 workers and a task worker, {runs} run(s)"
            " (target p95 < 300 ms)"
        )
        single = [single_requests(users, ids) for _ in range(runs)]
        for think, label in ((True, "with 0.5-1.5 s think time"), (False, "closed loop, no think")):
            results = [run_load(users, ids, think) for _ in range(runs)]
            rates = [sum(len(v) for v in r.values()) / DURATION_S for r in results]
            print(f"  {label}: {' / '.join(f'{x:.0f}' for x in rates)} requests/s")
            for kind in KINDS:
                if not all(r[kind] for r in results):
                    print(f"    {kind:<10} no request completed")
                    continue
                p95 = [pct(r[kind], 95) for r in results]
                p50 = [statistics.median(r[kind]) for r in results]
                alone = [s[kind] for s in single]
                slower = [a / b for a, b in zip(p95, alone, strict=True)]
                ok = ("OK" if max(p95) < 300 else "MISSED") if think else ""
                print(
                    f"    {kind:<10} n={sum(len(r[kind]) for r in results):>5}"
                    f"  single {_runs(alone)} ms  p50 {_runs(p50)} ms  p95 {_runs(p95)} ms"
                    f"  p95/single {_runs(slower, '.1f')}x"
                    f"  {ok}"
                )
        storm = login_storm(users)
        print(
            f"  {len(users)} logins at the same moment (a password hash each, not timed above):"
            f" p50 {statistics.median(storm):.0f} ms, max {max(storm):.0f} ms"
        )
        print(f"  figures refreshed by the task worker: {background_refreshes(started)}")
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait()
        finish()


def _runs(values, fmt=".0f") -> str:
    return "/".join(format(v, fmt) for v in values)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main(max(1, int(os.environ.get("BENCH_RUNS") or 1)))
