"""The `ansinh` command.

`ansinh quote|retirement|pension|check ...` compute from the law's parameters table (the
database's copy when there is one, the shipped defaults otherwise); `check` words a wrong
number in the language of ``ANSINH_LANGUAGE`` (vi or en; default the site's, Vietnamese).
Every other subcommand is a Django management command (`ansinh migrate`, `ansinh demo`, ...).
"""

import os
import sys

RULE_COMMANDS = {"quote", "retirement", "pension", "withdrawal", "check"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.settings")
    # `check cccd|bhxh|phone` is the rules' check; plain `check` stays Django's system check.
    is_rules = len(argv) > 1 and argv[1] in RULE_COMMANDS
    if is_rules and argv[1] == "check":
        is_rules = len(argv) > 2 and argv[2] in ("cccd", "bhxh", "phone", "-h", "--help")
    if is_rules:
        import django

        django.setup()
        from django.conf import settings
        from django.utils import translation

        from ansinh.common.rule_errors import rule_error
        from ansinh.parameters.table import current_table
        from ansinh.places.loader import province_names
        from ansinh.rules.cli import main as rules_main

        with translation.override(os.environ.get("ANSINH_LANGUAGE") or settings.LANGUAGE_CODE):
            return rules_main(
                argv[1:],
                table=current_table(fallback=True),
                describe=rule_error,
                provinces=province_names(),
            )
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
