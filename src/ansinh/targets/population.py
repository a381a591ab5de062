"""Reading a population file (CSV or XLSX): commune code, name, population, working age;
or, for hamlets, commune code, hamlet name, population, working age.

Parsing only checks the shape of each row; `services.import_population` (communes) and
`services.import_hamlet_population` (hamlets) check the places against the map and the
user's area, and write all rows or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ansinh.common.text import fold

HEADERS = ["commune_code", "commune_name", "population", "working_age_population"]
#: Vietnamese titles the template shows above the machine-readable header.
TITLES = ["Mã xã", "Tên xã/phường", "Dân số", "Dân số trong độ tuổi lao động"]
HAMLET_HEADERS = ["commune_code", "hamlet_name", "population", "working_age_population"]
HAMLET_TITLES = ["Mã xã", "Tên ấp/khu phố", "Dân số", "Dân số trong độ tuổi lao động"]


@dataclass
class PopulationRow:
    row: int
    code: str
    population: int
    working_age_population: int | None
    hamlet: str = ""  # the hamlet's name as written (hamlet files only)


#: The largest figure a population column holds (PostgreSQL's integer).
MAX_FIGURE = 2_147_483_647


def _number(value, row, name, errors, required=True):
    """A whole number of people: an Excel number, or text with optional . , or space
    thousand separators (1.263.600); anything else (12,5, 1e400, ², -3) is refused."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    digits = text.replace(".", "").replace(",", "").replace(" ", "")
    if not digits:
        if required:
            errors.append(_("Row %(row)s, field %(field)s: missing.") % {"row": row, "field": name})
        return None
    if digits.startswith("-") and digits[1:].isascii() and digits[1:].isdigit():
        errors.append(_("Row %(row)s, field %(field)s: negative.") % {"row": row, "field": name})
        return None
    if not (digits.isascii() and digits.isdigit()) or (
        isinstance(value, str) and not _grouped(text)
    ):
        errors.append(
            _("Row %(row)s, field %(field)s: %(value)s is not a number.")
            % {"row": row, "field": name, "value": text[:40]}
        )
        return None
    number = int(digits)
    if number > MAX_FIGURE:
        errors.append(
            _("Row %(row)s, field %(field)s: %(value)s is too large.")
            % {"row": row, "field": name, "value": text[:40]}
        )
        return None
    return number


def _grouped(text: str) -> bool:
    """Plain digits, or digits grouped by threes with one separator (1.263.600, 1 263 600)."""
    for sep in ".", ",", " ":
        if sep in text:
            head, *groups = text.split(sep)
            return 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups)
    return True


def _table(upload) -> list[list]:
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise ValidationError(_("This file is not a readable Excel workbook."))
        return [list(r) for r in wb.active.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Save the CSV file as UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # one column, or no separator the sniffer is sure of
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:  # a NUL byte, a cell over csv's size limit, a broken quote
        raise ValidationError(_("This CSV file cannot be read: %(error)s.") % {"error": exc})


def parse_population(upload, level: str = "commune") -> list[PopulationRow]:
    """The rows of a commune (`level="commune"`) or hamlet (`level="hamlet"`) file."""
    hamlets = level == "hamlet"
    headers = HAMLET_HEADERS if hamlets else HEADERS
    needed_cols = ("commune_code", "hamlet_name", "population") if hamlets else None
    table = _table(upload)
    header_at = None
    for i, row in enumerate(table[:10]):
        cells = [str(c or "").strip().lower() for c in row]
        if "commune_code" in cells:
            header_at, header = i, cells
            break
    if header_at is None:
        raise ValidationError(
            _("The file has no header row with %(cols)s.") % {"cols": ", ".join(headers)}
        )
    if not hamlets and "hamlet_name" in header:
        raise ValidationError(
            _("This file lists hamlets (it has a hamlet_name column): load it as hamlets.")
        )
    col = {h: header.index(h) for h in headers if h in header}
    for needed in needed_cols or ("commune_code", "population"):
        if needed not in col:
            raise ValidationError(_("The header has no %(col)s column.") % {"col": needed})
    rows, errors, seen = [], [], {}
    for i, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        cells = list(raw) + [None] * len(headers)
        if not any(str(c or "").strip() for c in raw):
            continue
        code = str(cells[col["commune_code"]] or "").strip()
        if code.isdigit():
            code = code.zfill(5)
        name = " ".join(str(cells[col["hamlet_name"]] or "").split()) if hamlets else ""
        key = (code, fold(name))
        if hamlets and not name:
            errors.append(_("Row %(row)s, field hamlet_name: missing.") % {"row": i})
        elif key in seen and hamlets:
            errors.append(
                _("Row %(row)s, field hamlet_name: %(name)s already given on row %(first)s.")
                % {"row": i, "name": name, "first": seen[key]}
            )
        elif key in seen:
            errors.append(
                _("Row %(row)s, field commune_code: %(code)s already given on row %(first)s.")
                % {"row": i, "code": code, "first": seen[key]}
            )
        seen.setdefault(key, i)
        population = _number(cells[col["population"]], i, "population", errors)
        working = None
        if "working_age_population" in col:
            working = _number(
                cells[col["working_age_population"]], i, "working_age_population", errors, False
            )
        if population is not None and working is not None and working > population:
            errors.append(
                _("Row %(row)s, field working_age_population: larger than the population.")
                % {"row": i}
            )
        rows.append(PopulationRow(i, code, population or 0, working, name))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has no rows."))
    return rows
