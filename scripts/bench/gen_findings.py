#!/usr/bin/env python3
"""Writes synthetic findings documents (crmlint scan --format json) for dashboard benchmarks.

    scripts/bench/gen_findings.py --findings 100000 --reports 3 --out /tmp/nightly
    crmlint dashboard /tmp/nightly/*.json -o /tmp/big.html

Each report is one night: about 4 % of the previous night's findings are
resolved and as many new ones appear, matched by fingerprint, so the
dashboard has new, resolved and still-open findings to show. Deterministic.
Excerpts are made-up sentences with masked numbers, like real redacted ones.
"""
import argparse
import datetime
import json
import os
import random
from collections import Counter

RULES = [
    ("conduct.zero-failure", "exaggeration", "error", "不得夸大产品功能 — absolute reliability claim (零故障/永不出错)"),
    ("conduct.absolute-superlative", "exaggeration", "warning", "不得夸大产品功能 — absolute superlative (全网最低/行业第一)"),
    ("conduct.resolve-everything", "overpromise", "error", "不得承诺无法兑现的服务 — promise to solve every problem"),
    ("conduct.perpetual-promise", "overpromise", "warning", "不得承诺无法兑现的服务 — perpetual promise (永远不涨价/终身保修)"),
    ("conduct.kickback", "bribery", "error", "禁止商业贿赂 — kickback or personal fee (回扣/好处费)"),
    ("conduct.gift-card-cash", "bribery", "error", "禁止商业贿赂 — gift cards, cash or luxury goods for a person"),
    ("conduct.politics", "sensitive-topic", "warning", "不得谈论敏感话题 — politics"),
    ("conduct.slang", "sensitive-topic", "info", "用语不规范 — slang (老铁/亲)"),
    ("conduct.assumed-needs-opinion", "assumption", "warning", "不得主观臆断客户需求 — telling the customer what they need"),
    ("conduct.ask-cancel-reason", "cancellation", "warning", "客户取消拜访时避免追问原因 — asking why a visit was cancelled"),
    ("contact.mobile-in-message", "pii-leak", "error", "客户联系方式外泄 — mobile number sent to a third party"),
    ("timing.late-log", "late-log", "warning", "记录须在24小时内录入 — record entered after its deadline"),
    ("timing.thank-you-late", "late-followup", "warning", "拜访后须及时致谢 — thank-you later than required"),
    ("cadence.over-contact", "over-contact", "warning", "同一客户每天联系不超过2次 — too many contacts in a day"),
    ("cadence.quiet-period", "quiet-period", "error", "客户要求暂停联系期间不得联系 — contact inside a quiet period"),
    ("cadence.tier-a-monthly", "under-contact", "info", "A类客户每月至少拜访一次 — tier cadence missed"),
    ("tier.mismatch", "tier-mismatch", "info", "客户分级与标准不符 — tier does not match the standard"),
    ("record.required-fields", "incomplete-record", "warning", "跟进记录缺少必填项 — required field missing"),
    ("input-error", "input-error", "error", "record could not be read: row has 8 fields but the header has 9"),
]
WEIGHTS = [9, 7, 6, 4, 5, 5, 2, 6, 5, 3, 3, 8, 7, 6, 2, 4, 2, 6, 1]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
PHRASES = [
    "我们的设备零故障，您完全可以放心", "保证24小时内解决所有问题", "这个单子成了，少不了你的好处",
    "我认为您需要的是我们的旗舰版", "为什么取消这次拜访呢", "老铁，这价格全网最低", "联系人手机 138****5678 已发给合作方",
    "逢年过节给采购经理准备了购物卡", "终身免费保修，永远不涨价", "跟进记录补录，拜访后第三天才录入",
]
DATASETS = [("messages", "exports/messages.jsonl"), ("followups", "exports/followups.csv"), ("customers", "exports/customers.csv")]


def fingerprint(rng):
    return "%016x" % rng.getrandbits(64)


def make_finding(rng, reps, customers):
    index = rng.choices(range(len(RULES)), WEIGHTS)[0]
    rule, category, severity, message = RULES[index]
    dataset, path = DATASETS[0] if index < 11 else DATASETS[1] if index < 16 else DATASETS[2]
    customer, tier = rng.choice(customers)
    day = datetime.date(2024, 2, 1) + datetime.timedelta(days=rng.randrange(90))
    excerpt = rng.choice(PHRASES) + "，" + rng.choice(PHRASES)[: rng.randint(4, 14)]
    return {
        "rule": rule, "category": category, "severity": severity, "message": message,
        "file": path, "line": rng.randint(2, 2_000_000), "dataset": dataset,
        "record_id": "R%07d" % rng.randrange(10_000_000), "customer_id": customer,
        "rep": rng.choice(reps) if rng.random() > 0.02 else None, "tier": tier,
        "day": day.isoformat(), "field": "text" if dataset == "messages" else "needs",
        "column": rng.randint(1, 60), "excerpt": excerpt, "fingerprint": fingerprint(rng),
    }


def document(findings, night, records):
    findings = sorted(findings, key=lambda f: (f["file"], f["line"], f["rule"], f["field"] or "", f["column"] or 0, f["fingerprint"]))

    def count(key):
        return dict(Counter((f.get(key) or "unknown") for f in findings))

    inputs = [{"path": path, "dataset": dataset, "format": "jsonl" if path.endswith("jsonl") else "csv", "encoding": "utf-8",
               "records_read": records, "records_scanned": records - 12, "records_rejected": 12} for dataset, path in DATASETS]
    return {
        "schema_version": "1.0",
        "run": {"tool": "crmlint", "version": "0.1.0", "as_of": "2024-05-%02dT02:00:00+08:00" % (1 + night), "timezone": "Asia/Shanghai",
                "inputs": inputs, "rules": [{"id": r[0], "kind": "pattern", "category": r[1], "severity": r[2]} for r in RULES]},
        "summary": {"records": {"read": records * 3, "scanned": (records - 12) * 3, "rejected": 36}, "findings": len(findings),
                    "by_severity": count("severity"), "by_category": count("category"), "by_rule": count("rule"),
                    "by_rep": count("rep"), "by_tier": count("tier"), "by_day": count("day")},
        "findings": [{k: v for k, v in f.items() if v is not None} for f in findings],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=100_000, help="findings in each report")
    parser.add_argument("--reports", type=int, default=3, help="nightly reports to write")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--churn", type=float, default=0.04, help="share of findings resolved (and as many new) each night")
    parser.add_argument("--out", required=True, help="folder for night-1.json, night-2.json, …")
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    reps = sorted({rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(args.reps * 3)})[: args.reps]
    customers = [("CRM-%06d" % i, rng.choice("AAABBBBCCCCCC")) for i in range(args.customers)]
    os.makedirs(args.out, exist_ok=True)
    findings = [make_finding(rng, reps, customers) for _ in range(args.findings)]
    for night in range(args.reports):
        if night > 0:
            churn = int(len(findings) * args.churn)
            rng.shuffle(findings)
            findings = findings[churn:] + [make_finding(rng, reps, customers) for _ in range(churn)]
        path = os.path.join(args.out, "night-%d.json" % (night + 1))
        with open(path, "w", encoding="utf-8") as out:
            json.dump(document(findings, night, args.findings * 4), out, ensure_ascii=False, sort_keys=True)
        print(path)


if __name__ == "__main__":
    main()
