"""Report tables as CSV and XLSX, safe to open in a spreadsheet.

A text cell that starts with =, +, -, @, a tab or a carriage return would be
read as a formula by Excel or LibreOffice (CSV injection); such cells get a
leading apostrophe. Numbers stay numbers.
"""

import csv
import io
import re

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table) -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([neutralise(str(column)) for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])
    return output.getvalue()


# Characters Excel refuses in a sheet's name, which is at most 31 long.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(table, used: set) -> str:
    """The sheet's name: the table's title in the reader's language, unique."""
    name = _SHEET_FORBIDDEN.sub(" ", str(table.title)).strip()[:31] or table.key[:31]
    candidate, n = name, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def tables_xlsx(tables) -> bytes:
    """One sheet per table; text is always written as text, never a formula."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    used = set()
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(table, used))
        for column, title in enumerate(table.columns):
            sheet.write_string(0, column, neutralise(str(title)), bold)
        for line, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    sheet.write_string(line, column, neutralise(str(value)))
                else:
                    sheet.write_number(line, column, value)
    workbook.close()
    return output.getvalue()
