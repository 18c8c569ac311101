#!/usr/bin/env python3
"""Compares two findings JSON documents (a plain crmlint scan and a Spark scan).

    spark/compare_findings.py PLAIN.json SPARK.json [--rename REGEX=REPLACEMENT]... [--label TEXT]

Checks, in this order, and prints what differs (exit 1) or one ok line (exit 0):
  1. the (rule, fingerprint) multisets;
  2. every finding's (rule, fingerprint, record_id, file, line) — as multisets, so two findings
     with one fingerprint must also agree on where they are;
  3. the whole findings (message, related records, occurrences, tier, …), the summary, the notes
     and run.inputs (records read / scanned / rejected, absent fields, unknown values per file).
--rename rewrites file paths of SPARK.json first (a Parquet table's part file → the JSON Lines file
the plain scan read).
"""
import argparse
import collections
import json
import re
import sys


def load(path, renames):
    with open(path, encoding="utf-8") as source:
        document = json.load(source)

    def rename(value):
        for pattern, replacement in renames:
            value = re.sub(pattern, replacement, value)
        return value

    if renames:
        for finding in document["findings"]:
            finding["file"] = rename(finding["file"])
            for related in finding.get("related") or []:
                related["file"] = rename(related["file"])
        for entry in document["run"]["inputs"]:
            entry["path"] = rename(entry["path"])
        document["run"]["inputs"].sort(key=lambda entry: (entry["path"], entry.get("sheet") or ""))
        document["findings"].sort(key=lambda f: (f["file"], f["line"], f["rule"], f.get("field") or "", f.get("column") or 0, f["fingerprint"]))
    return document


def multiset(findings, keys):
    return collections.Counter(tuple(str(f.get(key)) for key in keys) for f in findings)


def report(label, plain, spark):
    only_plain, only_spark = plain - spark, spark - plain
    if not only_plain and not only_spark:
        return True
    print(f"FAIL {label}: {sum(only_plain.values())} only in the plain scan, {sum(only_spark.values())} only in the Spark scan")
    for item in list(only_plain.elements())[:5]:
        print(f"  plain only: {item}")
    for item in list(only_spark.elements())[:5]:
        print(f"  spark only: {item}")
    return False


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("plain")
    parser.add_argument("spark")
    parser.add_argument("--rename", action="append", default=[])
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    renames = [tuple(item.split("=", 1)) for item in args.rename]
    plain, spark = load(args.plain, []), load(args.spark, renames)
    label = f"{args.label}: " if args.label else ""
    ok = report(f"{label}(rule, fingerprint) multiset", multiset(plain["findings"], ["rule", "fingerprint"]),
                multiset(spark["findings"], ["rule", "fingerprint"]))
    ok = report(f"{label}(rule, fingerprint, record_id, file, line) per finding",
                multiset(plain["findings"], ["rule", "fingerprint", "record_id", "file", "line"]),
                multiset(spark["findings"], ["rule", "fingerprint", "record_id", "file", "line"])) and ok
    for name, a, b in (("findings", plain["findings"], spark["findings"]), ("summary", plain["summary"], spark["summary"]),
                       ("notes", plain.get("notes"), spark.get("notes")), ("run.inputs", plain["run"]["inputs"], spark["run"]["inputs"]),
                       ("suppressions", plain.get("suppressions"), spark.get("suppressions"))):
        if a != b:
            ok = False
            print(f"FAIL {label}{name} differ")
            if isinstance(a, list) and isinstance(b, list):
                for x, y in zip(a, b):
                    if x != y:
                        print(f"  plain: {json.dumps(x, ensure_ascii=False)[:400]}\n  spark: {json.dumps(y, ensure_ascii=False)[:400]}")
                        break
                if len(a) != len(b):
                    print(f"  {len(a)} in the plain scan, {len(b)} in the Spark scan")
    if ok:
        print(f"ok   {label}{len(plain['findings'])} findings: the same rule, fingerprint, record id, file and line for each; "
              f"summary, notes and inputs equal")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
