#!/usr/bin/env python3
"""Generates a large synthetic message log (messages dataset, JSON Lines or
CSV) for throughput measurements. Deterministic, stdlib only.

  scripts/bench/gen_pii_log.py --megabytes 200 --out /tmp/messages.jsonl
  scripts/bench/gen_pii_log.py --records 100000 --detail-rate 0.3 --format csv --out /tmp/messages.csv

About `--detail-rate` of the messages carry a contact detail (phones, e-mails,
IDs, cards, WeChat/QQ ids in their usual typed forms, via the value makers of
gen_pii_corpus.py); the rest are ordinary sales messages with numbers that
look like details (orders, amounts, dates, masked phones)."""
import argparse
import csv
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gen_pii_corpus import (FULLWIDTH, MOBILE_STYLES, LANDLINE_STYLES, Values, card_form, email_form,  # noqa: E402
                            id_form, landline_form, mobile_form)

PLAIN = [
    "王总您好，报价单已更新，请查收附件。", "明天下午三点上门拜访，请确认时间。", "样品已寄出，预计周三到，物流单号SF{order}。",
    "客户对交期有异议，需要协调工厂排产。", "本周跟进计划已录入系统，订单号{order}。", "发票已开，金额{amount}元，请财务核对。",
    "感谢您今天抽空见面，方案细节我们下周再沟通。", "客户希望分三期付款，首付30%，尾款验收后支付。",
    "设备型号 KX-2000，数量12台，交期{date}。", "会议纪要见共享文件夹，下次会议{date} 14:30。",
    "客户手机{masked}已登记，回访时请核对身份。", "客户反馈安装顺利，培训安排在下周二上午。",
    "已通过微信沟通，客户同意下周拜访。", "合同第{n}版已发法务审核，预计两天内返回。",
]
DETAIL = [
    "客户王总手机{}，请贵司直接联系。", "采购负责人邮箱：{}", "前台总机{}", "客户身份证号{}，请贵司开票用。",
    "客户回款卡号{}，请核对。", "王总微信号：{}，您加他聊。", "对方QQ：{}",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--records", type=int)
    size.add_argument("--megabytes", type=float)
    parser.add_argument("--detail-rate", type=float, default=0.2)
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    r = random.Random(args.seed)
    v = Values(r)
    limit_bytes = args.megabytes * 1_000_000 if args.megabytes else None
    keys = ["id", "customer_id", "timestamp", "channel", "direction", "recipient_type", "recipient", "rep", "text"]
    written = 0
    count = 0
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out) if args.format == "csv" else None
        if writer:
            writer.writerow(keys)
        while (args.records is None or count < args.records) and (limit_bytes is None or written < limit_bytes):
            count += 1
            if r.random() < args.detail_rate:
                kind = r.randrange(7)
                if kind == 0:
                    value = mobile_form(v, v.mobile(), r.choice(MOBILE_STYLES))[0]
                elif kind == 1:
                    value = email_form(*v.email(), r.choice(["plain", "fullwidth-at"]))[0]
                elif kind == 2:
                    value = landline_form(v, *v.landline(), r.choice(LANDLINE_STYLES))[0]
                elif kind == 3:
                    value = id_form(v.resident_id(), r.choice(["plain", "grouped", "fullwidth"]))[0]
                elif kind == 4:
                    value = card_form(v.card(), r.choice(["plain", "space4"]))[0]
                elif kind == 5:
                    value = v.wechat()
                else:
                    value = v.qq()
                text = DETAIL[kind].format(value)
            else:
                n = v.mobile()
                text = r.choice(PLAIN).format(order=v.digits(14), amount=f"{r.randint(1, 999)},{r.randint(100, 999)}",
                                              date=f"2024-0{r.randint(1, 9)}-{r.randint(10, 28)}", masked=f"{n[:3]}****{n[7:]}",
                                              n=r.randint(2, 9))
            if r.random() < 0.3:
                text += r.choice(["另外，", "补充："]) + r.choice(PLAIN).format(order=v.digits(12), amount="12,800", date="2024-05-20",
                                                                            masked="139****0000", n=3)
            record = {
                "id": f"MSG-{count:09d}", "customer_id": f"C{r.randint(1, 50000):06d}",
                "timestamp": f"2024-0{r.randint(1, 9)}-{r.randint(10, 28)} {r.randint(8, 20):02d}:{r.randint(0, 59):02d}",
                "channel": r.choice(["微信", "短信", "邮件", "电话"]), "direction": "outbound",
                "recipient_type": r.choice(["customer", "customer", "customer", "internal", "third_party"]),
                "recipient": r.choice(["", "buyer@client.cn", "li@ourco.com"]), "rep": r.choice(["张伟", "李娜", "王强", "刘洋", "陈静"]),
                "text": text,
            }
            if writer:
                writer.writerow([record[k] for k in keys])
                written += sum(len(str(record[k]).encode("utf-8")) + 1 for k in keys) + 1
            else:
                line = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
    print(f"{count} messages, {written / 1e6:.1f} MB -> {args.out}")


if __name__ == "__main__":
    main()
