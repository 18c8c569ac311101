#!/usr/bin/env python3
"""Test exports for scripts/check-spark, made from scripts/bench/gen_crm_export.py's four files.

    spark/make_test_export.py multi SOURCE_DIR OUT_DIR [--parts 4]

writes a multi-file export of the same records in which every customer's
records sit in several files, and so in several read tasks:

    客户列表.csv           the customers, as generated
    客诉工单.csv           the complaints, as generated
    跟进记录.jsonl         the follow-ups as JSON Lines (one object a line, the CSV headers as keys)
    聊天记录_partN.csv     the messages dealt round-robin into N CSV files (UTF-8 with BOM, CRLF), so every
                           customer with N messages or more has messages in every part; part 2 gets a ragged
                           row (an input-error finding) between two good ones
    crmlint-suppressions.yml  one suppression (a rule on one part file), read by both scans

    spark/make_test_export.py jsonl CSV_FILE OUT.jsonl

writes one CSV export as JSON Lines (for the Parquet check: Spark turns it into a table).
"""
import csv
import glob
import io
import json
import os
import sys


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    return rows[0], rows[1:]


def write_csv(path, header, rows, extra=None):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for index, row in enumerate(rows):
        writer.writerow(row)
        if extra and index == 1:
            out.write(extra)
    with open(path, "w", encoding="utf-8-sig", newline="") as target:
        target.write(out.getvalue())


def write_jsonl(path, header, rows):
    with open(path, "w", encoding="utf-8") as target:
        for row in rows:
            target.write(json.dumps(dict(zip(header, row)), ensure_ascii=False) + "\n")


def one(source, pattern):
    found = glob.glob(os.path.join(source, pattern))
    if len(found) != 1:
        sys.exit(f"error: expected one {pattern} in {source}, found {len(found)}")
    return found[0]


def multi(source, out, parts):
    os.makedirs(out, exist_ok=True)
    for pattern, name in (("客户列表_*.csv", "客户列表.csv"), ("客诉工单_*.csv", "客诉工单.csv")):
        header, rows = read_csv(one(source, pattern))
        write_csv(os.path.join(out, name), header, rows)
    header, rows = read_csv(one(source, "跟进记录_*.csv"))
    write_jsonl(os.path.join(out, "跟进记录.jsonl"), header, rows)
    header, rows = read_csv(one(source, "聊天记录_*.csv"))
    for part in range(parts):
        ragged = "M-RAGGED,only,three\r\n" if part == 1 else None
        write_csv(os.path.join(out, f"聊天记录_part{part + 1}.csv"), header, rows[part::parts], extra=ragged)
    with open(os.path.join(out, "crmlint-suppressions.yml"), "w", encoding="utf-8") as target:
        target.write("- rule: frequency.daily-calls\n  path: 聊天记录_part3.csv\n  reason: check-spark, suppressions apply after the merge\n")


def main(argv):
    if len(argv) >= 3 and argv[0] == "multi":
        parts = int(argv[argv.index("--parts") + 1]) if "--parts" in argv else 4
        multi(argv[1], argv[2], parts)
    elif len(argv) == 3 and argv[0] == "jsonl":
        header, rows = read_csv(argv[1])
        write_jsonl(argv[2], header, rows)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
