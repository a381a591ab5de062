"""Page response times at province scale: search, a participant's page, the office dashboard.

Serves the project with gunicorn (4 sync workers, like a production install on this
2-core machine) on the `ansinh_bench` database, logs 20 virtual users in as officials of
the first office, and has each of them repeatedly search, open a participant's page and
open the dashboard, with a short think time between requests (as people at desks do).
Prints the p50 and p95 of each page beside the 300 ms target; a second, closed-loop run
with no think time shows how far the server is from saturation.

Run: `python bench/web.py` (after `python bench/generate.py`), or as part of `make bench`.
"""

from __future__ import annotations

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
DURATION_S = 25
THINK_S = (0.5, 1.5)
PASSWORD = "bench-password"
NAMES = ["nguyen van", "tran thi", "le van hung", "pham thi lan", "vo", "huynh thi mai"]


def prepare() -> tuple[list[str], list[int]]:
    """Bench users (one official per virtual user) and participant ids of the first office."""
    setup_django()
    from ansinh.accounts.models import Role, User
    from ansinh.accounts.scope import office_communes
    from ansinh.places.models import Office
    from ansinh.registry.models import Person

    office = Office.objects.filter(kind=Office.Kind.BASE).order_by("code").first()
    names = []
    for i in range(USERS):
        user, created = User.objects.get_or_create(
            username=f"bench{i}", defaults={"role": Role.OFFICIAL, "office": office}
        )
        if created or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save()
        names.append(user.username)
    communes = office_communes(office)
    ids = list(
        Person.objects.filter(commune_id__in=communes, vsi_enrolments__isnull=False)
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    return names, ids


class Session:
    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}/login/"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username):
        _status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        status, _ = self.request("POST", "/login/", body)
        if status != 302:
            raise SystemExit(f"bench login failed for {username}: HTTP {status}")


def run_load(usernames, ids, think: bool) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"search": [], "person": [], "dashboard": []}
    lock = threading.Lock()
    stop = time.monotonic() + DURATION_S

    def user(name):
        rnd = random.Random(name)
        s = Session()
        s.login(name)
        while time.monotonic() < stop:
            kind = rnd.choice(["search", "search", "person", "person", "dashboard"])
            if kind == "search":
                path = "/persons/?q=" + urllib.parse.quote(rnd.choice(NAMES))
            elif kind == "person":
                path = f"/persons/{rnd.choice(ids)}/"
            else:
                path = "/dashboard/"
            started = time.perf_counter()
            status, _ = s.request("GET", path)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
            with lock:
                timings[kind].append(elapsed)
            if think:
                time.sleep(rnd.uniform(*THINK_S))

    threads = [threading.Thread(target=user, args=(n,)) for n in usernames]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values))) - 1)] if values else 0


def main():
    usernames, ids = prepare()
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "ANSINH_DEBUG": "0",
        "PYTHONPATH": str(ROOT / "src"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ansinh.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        run_load(usernames[:2], ids, think=False)  # warm the workers
        print(f"\nPages, {USERS} concurrent users, gunicorn 4 workers (target p95 < 300 ms)")
        for think, label in ((True, "with 0.5-1.5 s think time"), (False, "closed loop, no think")):
            timings = run_load(usernames, ids, think)
            total = sum(len(v) for v in timings.values())
            print(f"  {label}: {total / DURATION_S:.0f} requests/s")
            for kind, values in timings.items():
                if not values:
                    print(f"    {kind:<10} no request completed")
                    continue
                p95 = pct(values, 95)
                ok = "OK" if p95 < 300 else "MISSED"
                print(
                    f"    {kind:<10} n={len(values):>5}  p50 {statistics.median(values):6.0f} ms"
                    f"  p95 {p95:6.0f} ms   target p95 < 300 ms {ok if think else ''}"
                )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
