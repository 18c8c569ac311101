#!/usr/bin/env python3
"""Writes a large export for benchmarking the cross-record policy rules (deterministic).

    scripts/bench/gen_policy_export.py --customers 100000 --messages 5000000 --out /tmp/bench-policy

writes ``customers.csv``, ``followups.csv`` (one follow-up record per customer)
and ``messages.jsonl`` to ``--out``. Each customer has a mostly compliant
timeline from 2024-01-01 to 2024-04-30: contact days every 4-6 / 8-12 / 13-17
days for tiers A / B / C, a few messages per contact day (one outbound opener,
then replies both ways), at most one outbound call a day, the follow-up logged the
same day with its plan met. About ``--violation-rate`` of the customers get a
second call on one day (a daily-call finding), so the findings stay few and the
memory measured is the rules' state, not the report.

``--text-repeat N`` repeats each message text N times: the rules' memory should
not change with it (only the events count).
"""
import argparse
import datetime as dt
import json
import os
import random

PHRASES = [
    "您好，关于上次沟通的方案，我们整理了一份报价单，请您查收。",
    "本周四下午方便的话我们上门拜访，详细介绍一下实施计划。",
    "交期方面，合同签订后三十天内可以完成首批交付。",
    "附件是产品手册和案例，供您参考。",
    "好的，收到您的反馈，我们内部评估后给您答复。",
    "请问贵司的决策流程大概需要多长时间？",
]
REPLIES = ["收到，谢谢。", "好的，我们看一下。", "下周再约时间。", "资料已转给技术部。"]
OPENERS = [("微信", "发出"), ("邮件", "outbound"), ("电话", "呼出"), ("短信", "out")]
STEP = {"A": (4, 6), "B": (8, 12), "C": (13, 17)}
REPS = ["张伟", "李娜", "王芳", "刘洋", "陈静", "赵磊"]
START = dt.date(2024, 1, 1)
END = dt.date(2024, 4, 30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=5_000_000, help="approximate; the timelines decide the exact count")
    parser.add_argument("--violation-rate", type=float, default=0.01)
    parser.add_argument("--text-repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    tiers = ["A" if index % 10 < 2 else "B" if index % 10 < 5 else "C" for index in range(args.customers)]
    contact_days = {"A": 120 / 5, "B": 120 / 10, "C": 120 / 15}
    average_days = sum(contact_days[t] for t in tiers) / max(len(tiers), 1)
    per_day = max(1.0, args.messages / max(args.customers, 1) / average_days)

    written = 0
    with open(os.path.join(args.out, "customers.csv"), "w", encoding="utf-8") as customers, \
            open(os.path.join(args.out, "followups.csv"), "w", encoding="utf-8") as followups, \
            open(os.path.join(args.out, "messages.jsonl"), "w", encoding="utf-8") as messages:
        customers.write("客户编号,客户名称,客户等级,年采购额,战略合作,高增长,负责人\n")
        followups.write("记录编号,客户编号,客户名称,联系人,职务,沟通时间,沟通方式,需求描述,异议点,客户承诺,跟进人,跟进时间,跟进内容,需协助事项,录入时间\n")
        for index, tier in enumerate(tiers):
            cid = f"CRM-2024-{index + 1:06d}"
            rep = REPS[index % len(REPS)]
            purchase = {"A": "120万", "B": "¥500,000", "C": "12万"}[tier]
            customers.write(f"{cid},客户{index + 1}有限公司,{tier},\"{purchase}\",否,否,{rep}\n")
            low, high = STEP[tier]
            day = START + dt.timedelta(days=rng.randrange(low))
            days = []
            while day <= END:
                days.append(day)
                day += dt.timedelta(days=rng.randint(low, high))
            if days[-1] < END - dt.timedelta(days=low):
                days.append(END - dt.timedelta(days=rng.randrange(low)))
            extra_call = rng.random() < args.violation_rate
            for number, day in enumerate(days):
                count = max(1, int(per_day + rng.random()))
                channel, direction = OPENERS[(index + number) % len(OPENERS)]
                for k in range(count):
                    if k > 0:
                        channel, direction = "微信", ("收到" if k % 2 else "发出")
                    text = (rng.choice(REPLIES) if direction in ("收到",) else rng.choice(PHRASES)) * args.text_repeat
                    record = {"id": f"M{written:09d}", "customer_id": cid, "timestamp": f"{day:%Y-%m-%d} {10 + k // 6:02d}:{(k * 7) % 60:02d}",
                              "channel": channel, "direction": direction, "recipient_type": "customer", "rep": rep, "text": text}
                    messages.write(json.dumps(record, ensure_ascii=False) + "\n")
                    written += 1
                if extra_call and number == 1:
                    record = {"id": f"M{written:09d}", "customer_id": cid, "timestamp": f"{day:%Y-%m-%d} 17:30", "channel": "电话",
                              "direction": "呼出", "recipient_type": "customer", "rep": rep, "text": ""}
                    messages.write(json.dumps(record, ensure_ascii=False) + "\n")
                    written += 1
            # One follow-up record on the second contact day, logged that day, planning the third.
            visit, plan = days[1 % len(days)], days[2 % len(days)] if len(days) > 2 else END
            followups.write(f"FU{index + 1:07d},{cid},客户{index + 1}有限公司,王工,采购经理,{visit.year}年{visit.month}月{visit.day}日14:00-14:30,电话,"
                            f"更换两台空压机,交期偏长,已确认下次沟通时间,{rep},{plan:%Y-%m-%d} 10:00,发送方案,无,{visit:%Y-%m-%d} 18:00\n")
    print(f"{args.customers} customers, {written} messages, {args.customers} follow-ups in {args.out}")


if __name__ == "__main__":
    main()
