"""The processes the fault tests kill: `python -m tests.faults.driver ACTION DIR`.

Run with DATABASE_URL (a real file or server database, never the test database) and
ANSINH_VAR=DIR. Actions:

* `setup DIR [N]`: migrate, load the places, one office with N participants of one collector
  (three in four paid through 10/2026 and due, one in four paid through 08/2026 and unpaid),
  and a receipt file of 12 months for each due participant; writes DIR/info.json.
* `import DIR [FILE]`: upload that file (or DIR/FILE) as the organisation's manager would
  (services.start_import, the task run in-process); prints the import's status and message.
* `reassign DIR`: hand everyone of the collector over to the other collector
  (services.reassign_persons, as the office manager).

The monthly cycle is killed as the scheduled job runs it: `manage.py cycle run`.
"""

import json
import os
import sys
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.settings")

PAID_ON = date(2026, 11, 3)
CYCLE_MONTH = "2026-10"


def setup(folder: Path, n: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_places", verbosity=0)
    from ansinh.enrolment.services import quote_for_person
    from tests.factories import enrol, make_office, make_users

    with transaction.atomic():
        office = make_office()
        users = make_users(office)
        due = []
        for i in range(n):
            late = i % 4 == 3
            e = enrol(
                office,
                f"Người Thử {i:05d}",
                paid_through=date(2026, 8, 1) if late else date(2026, 10, 1),
            )
            if not late:
                due.append(e)
    amount = quote_for_person(due[0].person, due[0].income, PAID_ON, 12).net_total
    lines = ["so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien"]
    lines += [f"KILL-{i:06d},{e.person.si_code},03/11/2026,12,{amount}" for i, e in enumerate(due)]
    (folder / "bienlai.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    info = {
        "office": office.office.code,
        "postmgr": users["postmgr"].pk,
        "manager": users["manager"].pk,
        "collector": office.collector.pk,
        "other_collector": office.other_collector.pk,
        "participants": n,
        "file_rows": len(due),
    }
    (folder / "info.json").write_text(json.dumps(info))


def do_import(folder: Path, info: dict, name: str = "bienlai.csv") -> None:
    from django.core.files import File

    from ansinh.accounts.models import User
    from ansinh.collection.services import start_import

    user = User.objects.get(pk=info["postmgr"])
    with open(folder / name, "rb") as fh:
        batch = start_import(user, File(fh, name=name))
    print(batch.status, batch.message)


def do_reassign(folder: Path, info: dict) -> None:
    from ansinh.accounts.models import User
    from ansinh.collection.models import Collector
    from ansinh.collection.services import reassign_persons

    user = User.objects.get(pk=info["manager"])
    moved = reassign_persons(
        user,
        Collector.objects.get(pk=info["collector"]),
        Collector.objects.get(pk=info["other_collector"]),
    )
    print(f"{moved} moved")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    action, folder = argv[0], Path(argv[1])
    if action == "setup":
        setup(folder, int(argv[2]) if len(argv) > 2 else 2000)
        return 0
    info = json.loads((folder / "info.json").read_text())
    {"import": do_import, "reassign": do_reassign}[action](folder, info, *argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
