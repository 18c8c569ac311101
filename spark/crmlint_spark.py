"""crmlint on Apache Spark: the same scan, partitioned by customer.

Run through scripts/spark-scan (which finds Java and pyspark and ships the
binary), or directly:

    spark-submit --master local[2] --files /usr/local/bin/crmlint spark/crmlint_spark.py \
        --crmlint /usr/local/bin/crmlint --output findings.json --partitions 4 exports/

The job, stage by stage (README, "Scale-out"):

1. read: Spark reads every input file (`binaryFiles`: local disk, HDFS, S3 …;
   Parquet tables with `spark.read.parquet`, each row with its file and row
   index) and pipes it through `crmlint records` on an executor, one task a
   file: the records come out tagged with their original file, line, position
   and dataset, with crmlint's own CSV/JSON readers, header mapping and
   encodings, so lines, record ids and unreadable rows are a plain scan's.
2. shuffle: records are keyed by partition (CRC-32 of the customer id, so a
   customer's customers row, follow-ups, messages and complaints meet in one
   partition, with the tier its rules need) and sorted within each partition
   into scan order (dataset, file, order in the file).
3. scan: each partition runs `crmlint scan --records --partition` (JSON Lines
   in, findings JSON out), stateful rules seeing each customer's whole history.
4. merge: on the driver, `crmlint scan PATH... --merge-partitions DIR` reports
   the partitions as one scan: rules aggregated by rep or file regrouped in
   scan order, input counts and notes added up, then suppressions, baseline,
   --fail-on and every report option exactly as for a plain scan. With
   --table, the findings are also written as a Parquet (or JSON Lines) table.

The exit status is the merge's: 0, 1 (findings at or above --fail-on) or 2.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

DATASET_ORDER = {"customers": 0, "followups": 1, "messages": 2, "complaints": 3}


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


class Parser(argparse.ArgumentParser):
    def error(self, message):   # one line and exit 2, as crmlint's own errors
        fail(f"{message} (see scripts/spark-scan --help)")


def parse_args(argv):
    parser = Parser(prog="spark-scan", description="Run crmlint under Apache Spark, partitioned by customer.")
    parser.add_argument("paths", nargs="+", help="export files or folders (local paths or Hadoop URIs); Parquet tables as PATH.parquet")
    parser.add_argument("--output", required=True, help="the merged findings JSON")
    parser.add_argument("--partitions", type=int, default=0, help="scan partitions (default: Spark's default parallelism)")
    parser.add_argument("--crmlint", required=True, help="the crmlint binary (shipped to executors with --files)")
    parser.add_argument("--table", help="also write the findings as a table (a folder) here")
    parser.add_argument("--table-format", choices=["parquet", "jsonl"], default="parquet")
    parser.add_argument("--work", help="keep the partition reports in this folder (default: a temporary folder)")
    # crmlint options every stage needs; anything else goes to the final merge (report, baseline, suppressions …).
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--config")
    parser.add_argument("--select", action="append", default=[])
    parser.add_argument("--ignore", action="append", default=[])
    parser.add_argument("--as-of", dest="as_of")
    parser.add_argument("--timezone")
    parser.add_argument("--encoding")
    args, rest = parser.parse_known_args(argv)
    if args.partitions < 0:
        fail("--partitions must be 1 or more")
    for option in ("-o", "--format", "--merge-partitions", "--records", "--partition", "--jobs", "-j"):
        if option in rest:
            fail(f"{option} is set by spark-scan (the findings JSON is --output; add --output-sarif, --output-csv … for other reports)")
    return args, rest


def is_remote(path):
    return "://" in path


def local_files(crmlint, paths):
    """Files a plain scan of the local paths reads (crmlint records --list), plus findings for paths it cannot read."""
    local = [p for p in paths if not is_remote(p) and not p.rstrip("/").endswith(".parquet")]
    if not local:
        return [], []
    listing = subprocess.run([crmlint, "records", "--list", *local], capture_output=True, text=True)
    if listing.returncode != 0:
        fail(listing.stderr.strip().splitlines()[-1].removeprefix("error: ") if listing.stderr.strip() else "crmlint records --list failed")
    files, problems = [], []
    for line in listing.stdout.splitlines():
        item = json.loads(line)
        if item["type"] == "file":
            files.append((item["path"], os.path.abspath(item["open"])))
        else:
            problems.append(line)
    return files, problems


def records_command(binary, args, stdin_name):
    command = [binary, "records", "-", "--stdin-name", stdin_name]
    for option, value in (("--config", args["config"]), ("--timezone", args["timezone"]), ("--encoding", args["encoding"])):
        if value:
            command += [option, value]
    return command


def run_records(binary, args, stdin_name, data):
    """crmlint records on one file's bytes: its records stream, one line each."""
    result = subprocess.run(records_command(binary, args, stdin_name), input=data, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"crmlint records failed on {stdin_name}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode("utf-8").splitlines()


def json_value(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def main(argv):
    # spark-submit joins a Python driver's stderr to its stdout: scripts/spark-scan passes a file for the messages
    # meant for stderr (errors, crmlint's warnings, timings) and prints it to stderr once the job ends.
    if os.environ.get("CRMLINT_SPARK_STDERR"):
        sys.stderr = open(os.environ["CRMLINT_SPARK_STDERR"], "a", encoding="utf-8", buffering=1)
    args, rest = parse_args(argv)
    crmlint = os.path.abspath(args.crmlint)
    if not os.access(crmlint, os.X_OK):
        fail(f"{args.crmlint} is not an executable crmlint")
    # Settings are checked before Spark starts (rules, config, selectors, time zone), with crmlint's own messages.
    preflight = [crmlint, "config"] + rule_options({"rules": args.rules, "config": args.config, "select": args.select,
                                                    "ignore": args.ignore, "timezone": args.timezone})
    if args.encoding:
        preflight += ["--encoding", args.encoding]
    checked = subprocess.run(preflight, capture_output=True, text=True)
    if checked.returncode != 0:
        sys.stderr.write(checked.stderr)
        sys.exit(2)

    import time
    started = time.monotonic()
    from pyspark import SparkFiles
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("crmlint").getOrCreate()
    sc = spark.sparkContext
    # A failed task is reported below in one line; Spark's own account of it (a Python traceback per attempt) is not.
    sc.setLogLevel("FATAL")
    local_mode = sc.master.startswith("local")
    partitions = args.partitions or sc.defaultParallelism

    # One "now" for every partition: deadline rules must judge by the same clock.
    as_of = args.as_of or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()

    # Rules and config: the executors of a local run see the driver's files; a cluster's get copies (SparkFiles).
    def shipped(path):
        if local_mode or path in ("bundled",) or path.startswith("builtin:"):
            return os.path.abspath(path) if os.path.exists(path) else path
        sc.addFile(os.path.abspath(path), recursive=os.path.isdir(path))
        return "@spark:" + os.path.basename(path.rstrip("/"))

    settings = {
        "binary": os.path.basename(crmlint),
        "config": shipped(args.config) if args.config else None,
        "rules": [shipped(p) for p in args.rules],
        "select": args.select,
        "ignore": args.ignore,
        "timezone": args.timezone,
        "encoding": args.encoding,
        "as_of": as_of,
    }
    if local_mode:
        settings["binary_path"] = crmlint
    else:
        sc.addFile(crmlint)

    def resolve(value):
        return SparkFiles.get(value[len("@spark:"):]) if value and value.startswith("@spark:") else value

    def executor_settings():
        resolved = dict(settings)
        binary = settings.get("binary_path") or SparkFiles.get(settings["binary"])
        if not os.access(binary, os.X_OK):
            os.chmod(binary, 0o755)
        resolved["binary"] = binary
        resolved["config"] = resolve(settings["config"])
        resolved["rules"] = [resolve(p) for p in settings["rules"]]
        return resolved

    # 1. read: every file through crmlint records, one task a file.
    files, listing_problems = local_files(crmlint, args.paths)
    streams = []
    for display, absolute in files:
        rdd = sc.binaryFiles("file://" + absolute).map(lambda item, name=display: (name, item[1]))
        streams.append(rdd)
    for path in args.paths:
        if is_remote(path) and not path.rstrip("/").endswith(".parquet"):
            streams.append(sc.binaryFiles(path))
    parquet = [p for p in args.paths if p.rstrip("/").endswith(".parquet")]

    def read_file(item):
        name, data = item
        config = executor_settings()
        lines = run_records(config["binary"], config, name, data)
        return [(name, index, line) for index, line in enumerate(lines)]

    read = sc.union(streams).flatMap(read_file) if streams else sc.emptyRDD()
    if parquet:
        table = spark.read.parquet(*parquet).select("*", "_metadata.file_path", "_metadata.row_index")
        columns = [c for c in table.columns if c not in ("file_path", "row_index")]

        def shown(file_path):
            # The table as the user named it, then the part file: findings point at the part file and row.
            from urllib.parse import unquote, urlparse
            for given in parquet:
                base = given.rstrip("/")
                if is_remote(base):
                    if file_path.startswith(base):
                        return base + file_path[len(base):]
                    continue
                absolute, path = os.path.abspath(base), unquote(urlparse(file_path).path)
                if path == absolute or path.startswith(absolute + "/"):
                    return base + path[len(absolute):]
            return file_path

        rows = table.rdd.map(lambda row: (row["file_path"], (row["row_index"], json.dumps(
            {c: json_value(row[c]) for c in columns}, ensure_ascii=False))))

        def read_table_file(item):
            file_path, indexed = item
            text = "".join(line + "\n" for _, line in sorted(indexed))
            config = executor_settings()
            name = shown(file_path)
            lines = run_records(config["binary"], config, name, text.encode("utf-8"))
            return [(name, index, line) for index, line in enumerate(lines)]

        read = read.union(rows.groupByKey().flatMap(read_table_file))

    # 2. shuffle: by customer, then scan order within each partition.
    def route(item):
        name, index, line = item
        record = json.loads(line)
        if record["type"] != "record":
            return ((0, -1, name, index), line)
        customer = record.get("customer") or ""
        partition = zlib.crc32(customer.encode("utf-8")) % partitions
        return ((partition, DATASET_ORDER[record["dataset"]], record["file"], index), line)

    keyed = read.map(route)
    if listing_problems:
        keyed = keyed.union(sc.parallelize([((0, -2, "", i), line) for i, line in enumerate(listing_problems)], 1))
    ordered = keyed.repartitionAndSortWithinPartitions(partitions, partitionFunc=lambda key: key[0])

    # 3. scan each partition: JSON Lines in, a findings JSON out.
    def scan_partition(index, items):
        config = executor_settings()
        work = tempfile.mkdtemp(prefix="crmlint-partition-")
        try:
            report = os.path.join(work, "report.json")
            command = [config["binary"], "scan", "--records", "--partition", "-", "--format", "json", "-o", report,
                       "--fail-on", "never", "--no-suppressions", "--jobs", "1", "--as-of", config["as_of"]]
            command += rule_options(config)
            with open(os.path.join(work, "stderr"), "wb") as errors:
                process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)
                for _, line in items:
                    process.stdin.write(line.encode("utf-8") + b"\n")
                process.stdin.close()
                status = process.wait()
            if status != 0:
                with open(os.path.join(work, "stderr"), encoding="utf-8", errors="replace") as errors:
                    raise RuntimeError(f"crmlint scan of partition {index} failed: {errors.read().strip()}")
            with open(report, encoding="utf-8") as text:
                yield index, text.read()
        finally:
            shutil.rmtree(work, ignore_errors=True)

    ready = time.monotonic()
    try:
        reports = ordered.mapPartitionsWithIndex(scan_partition).collect()
    except Exception as error:   # Py4JJavaError: a task failed (its crmlint, or Spark itself)
        text = str(error)
        found = re.search(r"RuntimeError: (crmlint [^\n]*)", text)
        spark.stop()
        fail(found.group(1) if found else "the Spark job failed: " + next((line for line in text.splitlines() if line.strip()), "unknown error"))
    scanned = time.monotonic()

    # 4. merge on the driver, as one scan of the paths.
    work = args.work or tempfile.mkdtemp(prefix="crmlint-spark-")
    os.makedirs(work, exist_ok=True)
    for name in os.listdir(work):
        if name.startswith("partition-") and name.endswith(".json"):
            os.remove(os.path.join(work, name))
    for index, text in reports:
        with open(os.path.join(work, f"partition-{index:05d}.json"), "w", encoding="utf-8") as out:
            out.write(text)
    local_settings = dict(settings, rules=[os.path.abspath(p) if os.path.exists(p) else p for p in args.rules],
                          config=os.path.abspath(args.config) if args.config else None)
    command = [crmlint, "scan", *args.paths, "--merge-partitions", work, "--as-of", as_of, "--output-json", args.output, "-q"]
    command += rule_options(local_settings) + rest
    status = subprocess.run(command, stderr=sys.stderr).returncode
    print(f"spark-scan: {len(files) + len(parquet)} inputs, {partitions} partitions on {sc.master}: Spark started in {ready - started:.1f} s, "
          f"read + shuffle + scan {scanned - ready:.1f} s, merge {time.monotonic() - scanned:.1f} s", file=sys.stderr, flush=True)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    if status == 2:
        spark.stop()
        sys.exit(2)

    if args.table:
        write_table(spark, args.output, args.table, args.table_format)
    spark.stop()
    sys.exit(status)


def rule_options(config):
    options = []
    for path in config["rules"]:
        options += ["--rules", path]
    if config["config"]:
        options += ["--config", config["config"]]
    for value in config["select"]:
        options += ["--select", value]
    for value in config["ignore"]:
        options += ["--ignore", value]
    if config["timezone"]:
        options += ["--timezone", config["timezone"]]
    return options


TABLE_COLUMNS = [("rule", "string"), ("category", "string"), ("severity", "string"), ("message", "string"), ("file", "string"),
                 ("line", "long"), ("dataset", "string"), ("record_id", "string"), ("customer_id", "string"), ("rep", "string"),
                 ("tier", "string"), ("day", "string"), ("field", "string"), ("column", "long"), ("excerpt", "string"),
                 ("sheet", "string"), ("cell", "string"), ("fingerprint", "string"), ("occurrences", "long"), ("related", "string"),
                 ("as_of", "string")]


def write_table(spark, findings_path, table, table_format):
    """The merged findings as a data-lake table: one row a finding (related locations as a JSON string), with the scan's as_of."""
    with open(findings_path, encoding="utf-8") as source:
        document = json.load(source)
    as_of = document["run"]["as_of"]
    rows = []
    for finding in document["findings"]:
        row = dict(finding, as_of=as_of)
        row["related"] = json.dumps(finding["related"], ensure_ascii=False) if finding.get("related") else None
        rows.append(tuple(row.get(name) for name, _ in TABLE_COLUMNS))
    schema = ", ".join(f"`{name}` {kind}" for name, kind in TABLE_COLUMNS)
    frame = spark.createDataFrame(rows, schema=schema).coalesce(1)
    if table_format == "parquet":
        frame.write.mode("overwrite").parquet(table)
    else:
        frame.write.mode("overwrite").json(table)


if __name__ == "__main__":
    main(sys.argv[1:])
