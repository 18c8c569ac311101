#!/usr/bin/env python3
"""Writes the .xlsx test fixtures under Tests/Fixtures/xlsx/.

    pip install openpyxl            # PyPI
    apt-get install libreoffice-calc-nogui   # Debian: soffice, optional
    scripts/make-xlsx-fixtures.py

- openpyxl/types.xlsx: every kind of cell the reader renders (shared strings,
  numbers, dates and times in several formats, booleans, an error, gaps) on a
  followups sheet, a sheet that is not an export, and an empty sheet.
- openpyxl/date1904.xlsx: the same dates in the 1904 date system.
- corpus/openpyxl/<path>.xlsx: every CSV of corpus/ (recursively), typed the
  way a person's workbook is (integers and decimals as numbers, ISO dates and
  times as date cells), each only where the reader renders it back to the text
  the CSV holds, so scanning the workbook must give the CSV's findings.
- libreoffice/*.xlsx and corpus/libreoffice/<path>.xlsx: the same CSVs and
  types.xlsx converted by `soffice --headless --convert-to xlsx`, which types
  cells by its own detection (skipped, with a message, when soffice is missing).

The workbooks are committed, so the tests need neither openpyxl nor soffice.
"""
import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "xlsx")
FIXED = dt.datetime(2024, 1, 1)


def save(wb, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    for prop in ("created", "modified"):
        setattr(wb.properties, prop, FIXED)   # reproducible bytes
    wb.save(path)


def read_csv_text(path):
    raw = open(path, "rb").read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise SystemExit(f"{path}: neither UTF-8 nor GB18030")


INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})")
DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]*[1-9]")
DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?")


def typed(text):
    """The value and number format a person's workbook would hold for `text`,
    where the reader renders it back to exactly `text`; else the text."""
    if INTEGER.fullmatch(text):
        return int(text), None
    if DECIMAL.fullmatch(text) and len(text.replace("-", "").replace(".", "").lstrip("0")) <= 15 and repr(float(text)) == text.lstrip("+"):
        return float(text), None
    m = DATETIME.fullmatch(text)
    if m:
        y, mo, d, h, mi, s = m.groups()
        try:
            value = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
        except ValueError:
            return text, None
        if h is None:
            return value.date(), "yyyy-mm-dd"
        return value, "yyyy-mm-dd hh:mm:ss" if s is not None else "yyyy-mm-dd hh:mm"
    return text, None


def csv_to_xlsx(csv_path, xlsx_path):
    text = read_csv_text(csv_path)
    delimiter = "\t" if csv_path.endswith(".tsv") else ","
    wb = Workbook()
    ws = wb.active
    ws.title = os.path.splitext(os.path.basename(csv_path))[0][:31]
    for row_index, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
        for col_index, field in enumerate(row):
            if field == "":
                continue
            value, number_format = (field, None) if row_index == 0 else typed(field)
            cell = ws.cell(row=row_index + 1, column=col_index + 1, value=value)
            if isinstance(value, str):
                cell.data_type = "s"   # never a formula, even when it starts with '='
            if number_format:
                cell.number_format = number_format
    save(wb, xlsx_path)


def types_workbook(path, epoch=None):
    wb = Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "跟进记录"
    ws.append(["记录编号", "客户编号", "沟通时间", "跟进时间", "录入时间", "金额", "战略合作", "跟进内容", "需协助事项"])
    ws.append(["FU-1", "CRM-1", dt.datetime(2024, 3, 15, 14, 30), dt.date(2024, 3, 16), dt.datetime(2024, 3, 15, 18, 5, 9), 2200000, True, "第一行\n第二行", "无"])
    ws.append(["FU-2", "CRM-2", dt.datetime(1900, 1, 1, 9, 0), dt.date(1900, 3, 1), dt.time(8, 15), 3.25, False, "  前后空格  ", None])
    # Row 4 left empty; row 5 sparse (gaps), with an error value.
    ws.cell(row=5, column=1, value="FU-3")
    ws.cell(row=5, column=6, value="#DIV/0!").data_type = "e"
    ws.cell(row=5, column=8, value="=SUM(1,2)")   # a formula: openpyxl stores no cached value
    ws["C2"].number_format = "yyyy-mm-dd hh:mm"
    ws["D2"].number_format = "yyyy\"年\"m\"月\"d\"日\""
    ws["E2"].number_format = "yyyy-mm-dd hh:mm:ss"
    ws["C3"].number_format = "m/d/yyyy h:mm"
    ws["D3"].number_format = "yyyy-mm-dd"
    ws["E3"].number_format = "h:mm"
    ws["F2"].number_format = "#,##0"
    notes = wb.create_sheet("说明")
    notes.append(["This sheet explains the export"])
    notes.append(["nothing to scan"])
    wb.create_sheet("Sheet3")
    save(wb, path)


def soffice_convert(src, out_dir):
    """Converts with LibreOffice; UTF-8 CSV with comma separators, types detected."""
    os.makedirs(out_dir, exist_ok=True)
    args = ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", out_dir]
    if src.endswith(".csv"):
        # Field separator 44 (,), text delimiter 34 ("), character set 76 (UTF-8), first line 1;
        # column types left to detection, as when a person opens the file.
        args += ["--infilter=CSV:44,34,76,1"]
    subprocess.run(args + [src], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)


def main():
    corpus = os.path.join(ROOT, "corpus")
    csvs = sorted(os.path.relpath(os.path.join(d, f), corpus) for d, _, files in os.walk(corpus) for f in files if f.endswith(".csv"))
    types_workbook(os.path.join(OUT, "openpyxl", "types.xlsx"))
    types_workbook(os.path.join(OUT, "openpyxl", "date1904.xlsx"), epoch=CALENDAR_MAC_1904)
    for rel in csvs:
        csv_to_xlsx(os.path.join(corpus, rel), os.path.join(OUT, "corpus", "openpyxl", rel[:-4] + ".xlsx"))
    if shutil.which("soffice") is None:
        print("soffice not found: LibreOffice fixtures not written (apt-get install libreoffice-calc-nogui)", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        soffice_convert(os.path.join(OUT, "openpyxl", "types.xlsx"), os.path.join(OUT, "libreoffice"))
        for rel in csvs:
            # LibreOffice gets UTF-8 (corpus/customers.csv is GB18030).
            utf8 = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(utf8), exist_ok=True)
            with open(utf8, "w", encoding="utf-8", newline="") as f:
                f.write(read_csv_text(os.path.join(corpus, rel)))
            soffice_convert(utf8, os.path.join(OUT, "corpus", "libreoffice", os.path.dirname(rel)))
    print(f"wrote fixtures under {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
