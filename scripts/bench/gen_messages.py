#!/usr/bin/env python3
"""Writes a large, realistic messages export for benchmarks (deterministic).

    scripts/bench/gen_messages.py --messages 1000000 --customers 100000 --format jsonl > /tmp/bench.jsonl
"""
import argparse
import json
import random
import sys

PHRASES = [
    "您好，关于上次沟通的方案，我们整理了一份报价单，请您查收。",
    "王总，本周四下午方便的话我们上门拜访，详细介绍一下实施计划。",
    "感谢您抽出时间，路上顺利吗？我们这边已经准备好了样品。",
    "贵司目前的生产效率大概是多少？在供应链管理中是否经常遇到库存积压问题？",
    "交期方面，我们可以在合同签订后三十天内完成首批交付。",
    "关于价格，我们可以根据采购量给出阶梯折扣，具体以合同为准。",
    "好的，收到您的反馈，我们内部评估后明天给您答复。",
    "附件是最新的产品手册和成功案例，供您参考。",
    "请问您这边的决策流程大概需要多长时间？",
    "我们的售后团队会在工作日内响应您的问题。",
]
VIOLATIONS = [
    "我们的设备零故障，您完全可以放心。",
    "保证24小时内解决所有问题。",
    "这个单子成了，少不了你的好处。",
    "我认为您需要的是我们的旗舰版。",
    "为什么取消这次拜访呢？",
]
CHANNELS = ["微信", "电话", "短信", "邮件", "上门拜访"]
REPS = ["张伟", "李娜", "王芳", "刘洋", "陈静", "赵磊"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--violation-rate", type=float, default=0.01)
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    parser.add_argument("--seed", type=int, default=20240315)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    if args.format == "csv":
        out.write("id,customer_id,timestamp,channel,direction,recipient_type,recipient,rep,text\n")
    for index in range(args.messages):
        customer = rng.randrange(args.customers)
        day = 1 + (index * 90 // max(args.messages, 1))
        month, mday = 2 + (day - 1) // 30, 1 + (day - 1) % 28
        text = " ".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 3)))
        if rng.random() < args.violation_rate:
            text += rng.choice(VIOLATIONS)
        record = {
            "id": f"M{index:08d}",
            "customer_id": f"CRM-2024-{customer:06d}",
            "timestamp": f"2024-{month:02d}-{mday:02d} {8 + index % 10:02d}:{index % 60:02d}",
            "channel": rng.choice(CHANNELS),
            "direction": "outbound" if rng.random() < 0.8 else "inbound",
            "recipient_type": "customer",
            "recipient": f"客户{customer}",
            "rep": rng.choice(REPS),
            "text": text,
        }
        if args.format == "jsonl":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(",".join('"' + str(record[key]).replace('"', '""') + '"' for key in record) + "\n")


if __name__ == "__main__":
    main()
