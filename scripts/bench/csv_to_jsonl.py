#!/usr/bin/env python3
"""Writes a CSV export as JSON Lines: one object a row, the CSV's headers as keys.

    scripts/bench/csv_to_jsonl.py INPUT.csv OUTPUT.jsonl

The benchmark (scripts/bench/run) times the same messages in both formats, and
scripts/package trains its profile-guided build on both.
"""
import csv
import json
import sys

if len(sys.argv) != 3:
    sys.exit("usage: csv_to_jsonl.py INPUT.csv OUTPUT.jsonl")
with open(sys.argv[1], encoding="utf-8-sig", newline="") as source, open(sys.argv[2], "w", encoding="utf-8") as target:
    for row in csv.DictReader(source):
        target.write(json.dumps(row, ensure_ascii=False) + "\n")
