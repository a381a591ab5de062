"""Reading a population file (CSV or XLSX): commune code, name, population, working age.

Parsing only checks the shape of each row; `services.import_population` checks the
communes against the map and the user's area, and writes all rows or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEADERS = ["commune_code", "commune_name", "population", "working_age_population"]
#: Vietnamese titles the template shows above the machine-readable header.
TITLES = ["Mã xã", "Tên xã/phường", "Dân số", "Dân số trong độ tuổi lao động"]


@dataclass
class PopulationRow:
    row: int
    code: str
    population: int
    working_age_population: int | None


def _number(value, row, name, errors, required=True):
    text = str(value if value is not None else "").strip().replace(".", "").replace(",", "")
    text = text.replace(" ", "")
    if not text:
        if required:
            errors.append(_("Row %(row)s, field %(field)s: missing.") % {"row": row, "field": name})
        return None
    try:
        number = int(float(text))
    except ValueError:
        errors.append(
            _("Row %(row)s, field %(field)s: %(value)s is not a number.")
            % {"row": row, "field": name, "value": value}
        )
        return None
    if number < 0:
        errors.append(_("Row %(row)s, field %(field)s: negative.") % {"row": row, "field": name})
    return number


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
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def parse_population(upload) -> list[PopulationRow]:
    table = _table(upload)
    header_at = None
    for i, row in enumerate(table[:10]):
        cells = [str(c or "").strip().lower() for c in row]
        if "commune_code" in cells:
            header_at, header = i, cells
            break
    if header_at is None:
        raise ValidationError(
            _("The file has no header row with %(cols)s.") % {"cols": ", ".join(HEADERS)}
        )
    col = {h: header.index(h) for h in HEADERS if h in header}
    for needed in ("commune_code", "population"):
        if needed not in col:
            raise ValidationError(_("The header has no %(col)s column.") % {"col": needed})
    rows, errors, seen = [], [], {}
    for i, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        cells = list(raw) + [None] * len(HEADERS)
        if not any(str(c or "").strip() for c in raw):
            continue
        code = str(cells[col["commune_code"]] or "").strip()
        if code.isdigit():
            code = code.zfill(5)
        if code in seen:
            errors.append(
                _("Row %(row)s, field commune_code: %(code)s already given on row %(first)s.")
                % {"row": i, "code": code, "first": seen[code]}
            )
        seen[code] = i
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
        rows.append(PopulationRow(i, code, population or 0, working))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has no rows."))
    return rows
