#!/usr/bin/env python3
"""Generate the policy corpus (corpus/policy/) and its expected findings.

Writes a deterministic CRM export whose timelines exercise the cross-record
policy rules (rules/T1..T4, F1..F3, K1, D1, R4):

  corpus/policy/customers.csv    Chinese headers, tiers, amounts in export shapes (120万, ¥1,200,000, 1.2亿)
  corpus/policy/followups.csv    Template 1 records (沟通时间 ranges, 录入时间, 跟进时间 plans)
  corpus/policy/messages.jsonl   contact log, English keys, mixed time, channel and direction spellings

and ``Tests/CorpusExpectations/policy.tsv`` (``file<TAB>record_id<TAB>rule``,
sorted): exactly the findings a scan with ``--as-of 2024-05-01T00:00:00+08:00``
must produce with the rules of those files.

How it stays exact: every customer starts from a clean timeline that obeys every
rule (contact every 5/10/20 days for tiers A/B/C, follow-ups logged the same day,
plans fulfilled on the planned day, thank-yous the evening of a first visit, at
most one call a day). A scenario then changes one customer's timeline to inject
one violation — or a hard non-violation at an edge (exactly 24 h, exactly 30
days, the day boundary in Asia/Shanghai, a negated 不需要) — and labels only what
it injected. Where an injection has a second, unavoidable effect (a tier D both
malformed and mismatched), both are labelled, with the reason.

Text is ordinary sales talk: no conduct violations (零故障, 回扣 …) and no
unmasked contact details. Customer ids start at CRM-2024-501 so they never meet
the ids of the conduct corpus (corpus/*.csv) when both are scanned together.

Deterministic: fixed dates, no randomness, no wall clock. Python 3 stdlib only.
Run from anywhere: ``python3 scripts/gen_policy_corpus.py``.
"""

import csv
import datetime as dt
import io
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "corpus", "policy")
CUSTOMERS = "corpus/policy/customers.csv"
FOLLOWUPS = "corpus/policy/followups.csv"
MESSAGES = "corpus/policy/messages.jsonl"

# Rule ids, as in rules/*.yml.
LATE_LOG = "timing.late-log"
THANK_YOU = "timing.thank-you"
PHONE = "timing.phone-followup"
PLAN = "timing.overdue-plan"
CALLS = "frequency.daily-calls"
GAP = "frequency.cadence-gap"
EXCESS = "frequency.cadence-excess"
QUIET = "quiet.not-needed"
TIER = "tier.standard"
COMPLETE = "data.complete-records"
GIFT = "conduct.gift-limit"

FIRST_DAY = dt.date(2024, 3, 1)
LAST_DAY = dt.date(2024, 4, 30)   # the scan runs as of 2024-05-01 00:00 (+08:00)
SPACING = {"A": 5, "B": 10, "C": 20}   # clean contact spacing, inside the 7/14/30-day cadence
REPS = ["张明", "李娜", "王强", "陈静", "刘洋", "赵敏"]
CITIES = ["苏州", "无锡", "常州", "南通", "嘉兴", "湖州", "宁波", "绍兴", "合肥", "芜湖", "扬州", "泰州"]
TRADES = ["精密机械", "包装材料", "汽车零部件", "电子科技", "食品机械", "新材料", "物流设备", "医疗器械", "纺织机械", "环保设备"]
CONTACTS = [("王工", "设备科长"), ("李经理", "采购经理"), ("赵主任", "生产主任"), ("孙总", "副总经理"), ("周工", "工艺工程师"), ("吴经理", "设备经理")]

# Ordinary outbound texts (no absolutes, promises, gifts, privacy, slang).
ROUTINE = [
    "您好，本月的设备保养提醒：请安排空压机滤芯检查。",
    "行业简报已整理好，供您参考。",
    "上次提到的节能改造方案，技术部补充了测算表，请查看附件。",
    "下周三的技术交流会时间已确认，地点在贵司三楼会议室。",
    "新版操作手册已上传到共享平台，欢迎提出修改意见。",
    "贵司二号线的运行数据报告已生成，有疑问随时沟通。",
    "备件清单已核对完毕，请您过目。",
    "四月份的培训排期表发您，请确认参加人员。",
]
THANKS = "感谢您今天抽时间接待，会议纪要稍后发您。"


def at(day, hour=10, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def zh_range(start, end):
    """Template 1's 沟通时间: 2024年3月15日14:00-15:30."""
    return f"{start.year}年{start.month}月{start.day}日{start:%H:%M}-{end:%H:%M}"


class Corpus:
    def __init__(self):
        self.customers = []
        self.followups = []
        self.messages = []
        self.labels = set()
        self.next_customer = 501
        self.next_followup = 1
        self.next_message = 1
        self.turn = 0   # rotates channel spellings and texts, deterministically

    # ---- records ---------------------------------------------------------

    def customer(self, tier, purchase, strategic="否", high_growth="否", recorded=None, customer_id=None, **override):
        cid = customer_id or f"CRM-2024-{self.next_customer:03d}"
        self.next_customer += 1
        index = len(self.customers)
        row = {
            "客户编号": cid,
            "客户名称": f"{CITIES[index % len(CITIES)]}{TRADES[index % len(TRADES)]}有限公司",
            "客户等级": recorded if recorded is not None else tier,
            "年采购额": purchase,
            "战略合作": strategic,
            "高增长": high_growth,
            "负责人": REPS[index % len(REPS)],
        }
        row.update(override)
        self.customers.append(row)
        return cid

    def rep_of(self, cid):
        for row in self.customers:
            if row["客户编号"] == cid:
                return row["负责人"]
        return REPS[0]

    def message(self, cid, when, channel, direction, text="", timestamp=None, **override):
        mid = f"PM-{self.next_message:05d}"
        self.next_message += 1
        self.turn += 1
        row = {
            "id": mid,
            "customer_id": cid,
            # Alternate export shapes for the same kind of value.
            "timestamp": timestamp or (when.strftime("%Y-%m-%dT%H:%M:00+08:00") if self.turn % 3 == 0
                                       else when.strftime("%Y/%-m/%-d %H:%M") if self.turn % 3 == 1
                                       else when.strftime("%Y-%m-%d %H:%M")),
            "channel": channel,
            "direction": direction,
            "recipient_type": "customer",
            "recipient": "客户联系人",
            "rep": self.rep_of(cid),
            "text": text,
        }
        row.update(override)
        self.messages.append(row)
        return mid

    def routine(self, cid, day, hour=10):
        """One ordinary outbound contact (WeChat, e-mail or a call)."""
        self.turn += 1
        kind = self.turn % 3
        if kind == 0:
            return self.message(cid, at(day, hour), "微信" if self.turn % 2 else "wechat", "发出" if self.turn % 2 else "outbound",
                                ROUTINE[self.turn % len(ROUTINE)])
        if kind == 1:
            return self.message(cid, at(day, hour), "邮件" if self.turn % 2 else "email", "outbound" if self.turn % 2 else "out",
                                ROUTINE[self.turn % len(ROUTINE)])
        return self.message(cid, at(day, hour), "电话" if self.turn % 2 else "phone", "呼出" if self.turn % 2 else "outbound", "")

    def followup(self, cid, start, end, channel, commitment="已确认下次沟通的时间", logged=None, plan=None, **override):
        fid = f"PF-{self.next_followup:04d}"
        self.next_followup += 1
        name, title = CONTACTS[len(self.followups) % len(CONTACTS)]
        company = next((row["客户名称"] for row in self.customers if row["客户编号"] == cid), "常州精工机械有限公司")
        row = {
            "记录编号": fid,
            "客户编号": cid,
            "客户名称": company,
            "联系人": name,
            "职务": title,
            "沟通时间": zh_range(start, end),
            "沟通方式": channel,
            "需求描述": "二号车间计划更换两台空压机，希望降低能耗",
            "异议点": "担心改造期间影响生产",
            "客户承诺": commitment,
            "跟进人": self.rep_of(cid),
            "跟进时间": plan.strftime("%Y/%-m/%-d %H:%M") if plan else "",
            "跟进内容": "发送改造方案和排期",
            "需协助事项": "技术部提供能耗测算",
            "录入时间": (logged or end.replace(hour=min(end.hour + 2, 23))).strftime("%Y-%m-%d %H:%M"),
        }
        row.update(override)
        self.followups.append(row)
        return fid

    def expect(self, file, record_id, rule):
        self.labels.add((file, record_id, rule))

    # ---- timelines -------------------------------------------------------

    def clean(self, cid, tier, offset=0, until=LAST_DAY, since=None, skip=(), followup_on=None, visit_on=None):
        """A timeline that obeys every rule: a contact every SPACING[tier] days
        from FIRST_DAY + offset (or `since`) to `until`; optionally a phone
        follow-up or a first visit (with its thank-you) on the n-th contact day,
        planning the next contact day."""
        step = SPACING[tier]
        day = since or FIRST_DAY + dt.timedelta(days=offset)
        days = []
        while day <= until:
            if day not in skip:
                days.append(day)
            day += dt.timedelta(days=step)
        for index, day in enumerate(days):
            following = days[index + 1] if index + 1 < len(days) else None
            plan = at(following) if following else at(LAST_DAY, 12)
            if followup_on is not None and index == followup_on:
                self.followup(cid, at(day, 14), at(day, 14, 30), "电话", plan=plan)
            elif visit_on is not None and index == visit_on:
                self.followup(cid, at(day, 14), at(day, 15, 30), "上门拜访", plan=plan)
                self.message(cid, at(day, 19), "短信", "发出", THANKS)
            else:
                self.routine(cid, day)
        return days


def build():
    c = Corpus()

    # ---- clean customers: nothing to report ------------------------------
    for index in range(12):
        tier = "ABC"[index % 3]
        purchase = {"A": ["120万", "¥1,500,000", "1.2亿", "2,000,000"], "B": ["50万", "¥350,000", "85.5万元", "600000"],
                    "C": ["10万", "¥80,000", "25万元", "150000"]}[tier][index // 3 % 4]
        cid = c.customer(tier, purchase, strategic=["否", "N", "false"][index % 3], high_growth=["否", "no", "0"][index % 3],
                         recorded=[tier, f"{tier}类", f"{tier}级客户", tier.lower()][index % 4])
        c.clean(cid, tier, offset=index % SPACING[tier], followup_on=1 if index % 2 else None, visit_on=2 if index % 2 == 0 else None)

    # ---- T1: follow-up record entered within 24 h of the end of the contact
    cid = c.customer("A", "150万")
    days = c.clean(cid, "A", skip=(dt.date(2024, 3, 16),))
    # 26h10m after the end of 14:00-15:30.
    fid = c.followup(cid, at(dt.date(2024, 3, 16), 14), at(dt.date(2024, 3, 16), 15, 30), "电话",
                     logged=at(dt.date(2024, 3, 17), 17, 40), plan=at(dt.date(2024, 3, 21)))
    c.expect(FOLLOWUPS, fid, LATE_LOG)
    # Edges: exactly 24 h after the end (on time), 24 h 1 min (late), and
    # 24h30m after the start but 23 h after the end of the range (on time).
    cid = c.customer("A", "200万")
    c.clean(cid, "A", skip=(dt.date(2024, 3, 16), dt.date(2024, 3, 21), dt.date(2024, 3, 26)))
    c.followup(cid, at(dt.date(2024, 3, 16), 14), at(dt.date(2024, 3, 16), 15, 30), "电话",
               logged=at(dt.date(2024, 3, 17), 15, 30), plan=at(dt.date(2024, 3, 21)))
    fid = c.followup(cid, at(dt.date(2024, 3, 21), 9), at(dt.date(2024, 3, 21), 10), "电话",
                     logged=at(dt.date(2024, 3, 22), 10, 1), plan=at(dt.date(2024, 3, 26)))
    c.expect(FOLLOWUPS, fid, LATE_LOG)
    c.followup(cid, at(dt.date(2024, 3, 26), 14), at(dt.date(2024, 3, 26), 15, 30), "电话",
               logged=at(dt.date(2024, 3, 27), 14, 30), plan=at(dt.date(2024, 3, 31)))

    # ---- T2: thank-you SMS/e-mail within 24 h of the first visit ------------
    cid = c.customer("B", "60万")
    c.clean(cid, "B", skip=(dt.date(2024, 3, 11),))
    fid = c.followup(cid, at(dt.date(2024, 3, 11), 14), at(dt.date(2024, 3, 11), 15, 30), "上门拜访", plan=at(dt.date(2024, 3, 21)))
    c.message(cid, at(dt.date(2024, 3, 12), 21, 30), "短信", "发出", THANKS)   # 30 h after the end: late
    c.expect(FOLLOWUPS, fid, THANK_YOU)
    # Only WeChat after the first visit: no thank-you at all.
    cid = c.customer("B", "45万")
    c.clean(cid, "B", skip=(dt.date(2024, 3, 11),))
    fid = c.followup(cid, at(dt.date(2024, 3, 11), 9), at(dt.date(2024, 3, 11), 10), "拜访", plan=at(dt.date(2024, 3, 21)))
    c.message(cid, at(dt.date(2024, 3, 11), 18), "微信", "发出", THANKS)
    c.expect(FOLLOWUPS, fid, THANK_YOU)
    # Edge: e-mail exactly 24 h after the end of the visit; a second visit needs none.
    cid = c.customer("B", "70万")
    c.clean(cid, "B", skip=(dt.date(2024, 3, 11), dt.date(2024, 4, 10)))
    c.followup(cid, at(dt.date(2024, 3, 11), 14), at(dt.date(2024, 3, 11), 15, 30), "上门拜访", plan=at(dt.date(2024, 3, 21)))
    c.message(cid, at(dt.date(2024, 3, 12), 15, 30), "邮件", "发出", THANKS)
    c.followup(cid, at(dt.date(2024, 4, 10), 14), at(dt.date(2024, 4, 10), 15, 30), "上门拜访", plan=at(dt.date(2024, 4, 20)))
    # A visit logged in the contact log (not as a follow-up) is a first visit too; its thank-you is 25 h late.
    cid = c.customer("B", "55万")
    c.clean(cid, "B", skip=(dt.date(2024, 4, 10),))
    mid = c.message(cid, at(dt.date(2024, 4, 10), 9), "visit", "outbound", "上午拜访二号车间")
    c.message(cid, at(dt.date(2024, 4, 11), 10, 1), "sms", "out", THANKS)
    c.expect(MESSAGES, mid, THANK_YOU)

    # ---- T3: phone follow-up within 3 days of a visit without a clear answer
    # Tier B (contact every 10 days from 5 March): the visit replaces the 4 April contact.
    visit_day = dt.date(2024, 4, 4)
    cid = c.customer("B", "52万")
    c.clean(cid, "B", since=dt.date(2024, 3, 5), skip=(visit_day,))
    fid = c.followup(cid, at(visit_day, 14), at(visit_day, 15, 30), "上门拜访", commitment="需要回去商量，下周再说", plan=at(dt.date(2024, 4, 8), 16))
    c.message(cid, at(visit_day, 19), "短信", "发出", THANKS)
    c.message(cid, at(dt.date(2024, 4, 8), 16), "电话", "呼出")   # 4 days after: late
    c.expect(FOLLOWUPS, fid, PHONE)
    # Edge: the call exactly 3 days after the end of the visit.
    cid = c.customer("B", "53万")
    c.clean(cid, "B", since=dt.date(2024, 3, 5), skip=(visit_day,))
    c.followup(cid, at(visit_day, 14), at(visit_day, 15, 30), "上门拜访", commitment="再考虑考虑", plan=at(dt.date(2024, 4, 7), 15, 30))
    c.message(cid, at(visit_day, 19), "邮件", "发出", THANKS)
    c.message(cid, at(dt.date(2024, 4, 7), 15, 30), "电话", "outbound")
    # No call at all, only WeChat.
    cid = c.customer("B", "54万")
    c.clean(cid, "B", since=dt.date(2024, 3, 5), skip=(visit_day,))
    fid = c.followup(cid, at(visit_day, 14), at(visit_day, 15, 30), "上门拜访", commitment="暂未明确答复", plan=at(dt.date(2024, 4, 6)))
    c.message(cid, at(visit_day, 19), "短信", "发出", THANKS)
    c.message(cid, at(dt.date(2024, 4, 6)), "微信", "发出", "方案和报价已发您，请查收。")
    c.expect(FOLLOWUPS, fid, PHONE)
    # A clear answer (不用再考虑) starts no clock.
    cid = c.customer("B", "56万")
    c.clean(cid, "B", since=dt.date(2024, 3, 5), skip=(visit_day,))
    c.followup(cid, at(visit_day, 14), at(visit_day, 15, 30), "上门拜访", commitment="不用再考虑了，直接按方案下单", plan=at(dt.date(2024, 4, 14)))
    c.message(cid, at(visit_day, 19), "短信", "发出", THANKS)

    # ---- T4: planned follow-ups (跟进时间) must happen ----------------------
    # Planned for 10 April, no contact since the plan was made.
    cid = c.customer("C", "15万")
    c.clean(cid, "C", since=dt.date(2024, 3, 3), until=dt.date(2024, 3, 23))
    fid = c.followup(cid, at(dt.date(2024, 4, 2), 10), at(dt.date(2024, 4, 2), 10, 30), "电话", plan=at(dt.date(2024, 4, 10)))
    c.expect(FOLLOWUPS, fid, PLAN)
    # Edge: planned 29 April 23:00, due one day later — 1 h overdue as of the scan.
    cid = c.customer("C", "16万")
    c.clean(cid, "C", since=dt.date(2024, 3, 11), until=dt.date(2024, 3, 31))
    fid = c.followup(cid, at(dt.date(2024, 4, 20), 10), at(dt.date(2024, 4, 20), 10, 30), "电话", plan=at(dt.date(2024, 4, 29), 23))
    c.expect(FOLLOWUPS, fid, PLAN)
    # Edge: planned 30 April 00:00, due exactly at the scan: not yet overdue.
    cid = c.customer("C", "17万")
    c.clean(cid, "C", since=dt.date(2024, 3, 11), until=dt.date(2024, 3, 31))
    c.followup(cid, at(dt.date(2024, 4, 20), 10), at(dt.date(2024, 4, 20), 10, 30), "电话", plan=at(dt.date(2024, 4, 30), 0))
    # A contact two days before the planned time fulfils it.
    cid = c.customer("C", "19万")
    c.clean(cid, "C", since=dt.date(2024, 3, 5), until=dt.date(2024, 3, 25))
    c.followup(cid, at(dt.date(2024, 4, 2), 10), at(dt.date(2024, 4, 2), 10, 30), "电话", plan=at(dt.date(2024, 4, 20)))
    c.routine(cid, dt.date(2024, 4, 18))

    # ---- F1: at most one outbound call per customer per day ---------------
    cid = c.customer("B", "40万")
    c.clean(cid, "B", skip=(dt.date(2024, 3, 21),))
    c.message(cid, at(dt.date(2024, 3, 21), 9, 30), "电话", "呼出")
    mid = c.message(cid, at(dt.date(2024, 3, 21), 15), "电话", "呼出")
    c.expect(MESSAGES, mid, CALLS)
    # Three calls on one day: one finding, at the second (written last here).
    cid = c.customer("B", "42万")
    c.clean(cid, "B", skip=(dt.date(2024, 4, 10),))
    c.message(cid, at(dt.date(2024, 4, 10), 9), "phone", "outbound")
    c.message(cid, at(dt.date(2024, 4, 10), 17), "phone", "outbound")
    mid = c.message(cid, at(dt.date(2024, 4, 10), 11), "call", "out")
    c.expect(MESSAGES, mid, CALLS)
    # 00:30 and 23:30 Shanghai time are one day (two days in UTC).
    cid = c.customer("B", "43万")
    c.clean(cid, "B", skip=(dt.date(2024, 4, 10),))
    c.message(cid, None, "电话", "呼出", timestamp="2024-04-10T00:30:00+08:00")
    mid = c.message(cid, None, "电话", "呼出", timestamp="2024-04-10T15:30:00Z")   # = 23:30 on 10 April in Shanghai
    c.expect(MESSAGES, mid, CALLS)
    # 23:30 and 00:30 the next day are two days (one day in UTC); an inbound call never counts.
    cid = c.customer("B", "44万")
    c.clean(cid, "B", skip=(dt.date(2024, 4, 10),))
    c.message(cid, None, "电话", "呼出", timestamp="2024-04-09T23:30:00+08:00")
    c.message(cid, None, "电话", "呼出", timestamp="2024-04-10T00:30:00+08:00")
    c.message(cid, at(dt.date(2024, 4, 10), 15), "电话", "呼入")

    # ---- F2: contact cadence by tier --------------------------------------
    # Tier A with an eight-day gap (21 → 29 March).
    cid = c.customer("A", "300万")
    c.clean(cid, "A", until=dt.date(2024, 3, 21))
    mid = c.routine(cid, dt.date(2024, 3, 29))
    c.expect(MESSAGES, mid, GAP)
    c.clean(cid, "A", since=dt.date(2024, 4, 3))
    # Tier A exactly seven days apart, 08:00 then 18:00 (not late).
    cid = c.customer("A", "260万")
    c.clean(cid, "A", until=dt.date(2024, 3, 20))
    c.message(cid, at(dt.date(2024, 3, 20), 8), "微信", "发出", ROUTINE[1])
    c.message(cid, at(dt.date(2024, 3, 27), 18), "微信", "发出", ROUTINE[2])
    c.clean(cid, "A", since=dt.date(2024, 4, 1))
    # Tier B whose last contact was on 10 April: 21 days as of the scan (the customer row).
    cid = c.customer("B", "65万")
    c.clean(cid, "B", until=dt.date(2024, 4, 10))
    c.expect(CUSTOMERS, cid, GAP)
    # Tier C never contacted (the customer row).
    cid = c.customer("C", "5万")
    c.expect(CUSTOMERS, cid, GAP)
    # Inbound messages do not close a gap: tier A, outbound 10 and 19 March, inbound between.
    cid = c.customer("A", "180万")
    c.clean(cid, "A", until=dt.date(2024, 3, 11))
    c.message(cid, at(dt.date(2024, 3, 15)), "微信", "收到", "资料收到了，谢谢。")
    mid = c.routine(cid, dt.date(2024, 3, 19))
    c.expect(MESSAGES, mid, GAP)
    c.clean(cid, "A", since=dt.date(2024, 3, 24))
    # Tier A contacted on four days within a week: over-contact at the fourth.
    cid = c.customer("A", "150万")
    c.clean(cid, "A", until=dt.date(2024, 3, 31))
    c.routine(cid, dt.date(2024, 4, 2))
    c.routine(cid, dt.date(2024, 4, 3))
    mid = c.routine(cid, dt.date(2024, 4, 4))
    c.expect(MESSAGES, mid, EXCESS)
    c.clean(cid, "A", since=dt.date(2024, 4, 10))

    # ---- F3: pause after the customer says 暂时不需要 ---------------------
    # Contacted 14 days after the request (tier C, monthly).
    cid = c.customer("C", "8万")
    c.clean(cid, "C", since=dt.date(2024, 3, 12), until=dt.date(2024, 3, 31))
    c.message(cid, at(dt.date(2024, 4, 1), 9), "微信", "发出", ROUTINE[3])
    c.message(cid, at(dt.date(2024, 4, 1), 10), "微信", "收到", "这个项目我们暂时不需要，谢谢")
    mid = c.message(cid, at(dt.date(2024, 4, 15)), "微信", "发出", "新到的节能改造案例，给您参考。")
    c.expect(MESSAGES, mid, QUIET)
    # Edge: the last minute of the pause (29d23h59m) is inside it.
    # The rep's contact at 10:00 on 21 March, the request at 10:30: the next contact
    # 30 days later also keeps the monthly cadence.
    cid = c.customer("C", "9万")
    c.clean(cid, "C", since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 21))
    c.message(cid, at(dt.date(2024, 3, 21), 10, 30), "电话", "呼入", "先不考虑了，有需要再联系你们")
    mid = c.message(cid, at(dt.date(2024, 4, 20), 10, 29), "邮件", "发出", ROUTINE[1])
    c.expect(MESSAGES, mid, QUIET)
    # Edge: exactly 30 days later is allowed.
    cid = c.customer("C", "11万")
    c.clean(cid, "C", since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 21))
    c.message(cid, at(dt.date(2024, 3, 21), 10, 30), "微信", "inbound", "近期没有采购计划，不需要了")
    c.message(cid, at(dt.date(2024, 4, 20), 10, 30), "邮件", "发出", ROUTINE[4])
    # A negation is not a request; 不需要了解 is not 不需要了.
    # (Contact every 20 days from 1 March: 21 March, 10 April and 30 April follow the replies.)
    cid = c.customer("C", "13万")
    c.message(cid, at(dt.date(2024, 3, 20)), "微信", "收到", "不是暂时不需要，是预算还没批下来")
    c.message(cid, at(dt.date(2024, 4, 9)), "微信", "in", "我们不需要了解太多技术细节，看报价就行")
    c.clean(cid, "C", since=dt.date(2024, 3, 1))
    # The customer got back in touch first: the pause is over.
    cid = c.customer("C", "14万")
    c.clean(cid, "C", since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 21))
    c.message(cid, at(dt.date(2024, 3, 25)), "微信", "收到", "暂时不需要，谢谢")
    c.message(cid, at(dt.date(2024, 4, 8), 9), "微信", "收到", "预算批了，麻烦发一份报价")
    c.message(cid, at(dt.date(2024, 4, 8), 11), "邮件", "发出", "报价单已发送，请查收。")
    c.routine(cid, dt.date(2024, 4, 28))

    # ---- K1: recorded tier against the tier standard ----------------------
    for purchase, recorded, flags in [("120万", "B", {}), ("¥350,000", "C", {}), ("10万", "B", {"战略合作": "是"}),
                                      ("85.5万元", "A", {"战略合作": "否", "高增长": "N"})]:
        cid = c.customer(recorded, purchase, recorded=recorded, **flags)
        c.clean(cid, recorded)
        c.expect(CUSTOMERS, cid, TIER)
    # Edges: exactly 100万 is A, exactly 30万 is B, 299,999 is C, high growth makes 20万 an A.
    for purchase, recorded, flags in [("1,000,000", "A", {}), ("30万元", "B", {}), ("299999", "C", {}), ("20万", "A", {"高增长": "Y"}),
                                      ("1.2亿", "A", {})]:
        cid = c.customer(recorded, purchase, recorded=recorded, **flags)
        c.clean(cid, recorded)

    # ---- D1: complete and well-formed records -----------------------------
    cid = c.customer("B", "48万")
    c.clean(cid, "B", skip=(dt.date(2024, 3, 21),))
    fid = c.followup(cid, at(dt.date(2024, 3, 21), 14), at(dt.date(2024, 3, 21), 14, 30), "电话", plan=at(dt.date(2024, 3, 31)),
                     客户承诺="")
    c.expect(FOLLOWUPS, fid, COMPLETE)
    # Entry time nobody can read (T1 needs it too; the record gets one finding).
    cid = c.customer("B", "49万")
    c.clean(cid, "B", skip=(dt.date(2024, 3, 21),))
    fid = c.followup(cid, at(dt.date(2024, 3, 21), 14), at(dt.date(2024, 3, 21), 14, 30), "电话", plan=at(dt.date(2024, 3, 31)),
                     录入时间="待补录")
    c.expect(FOLLOWUPS, fid, COMPLETE)
    # A customer id outside the house format, and no plan written.
    cid = c.customer("B", "51万")
    c.clean(cid, "B", skip=(dt.date(2024, 3, 21),))
    fid = c.followup(cid, at(dt.date(2024, 3, 21), 14), at(dt.date(2024, 3, 21), 14, 30), "电话", 客户编号="CRM2024-77")
    c.expect(FOLLOWUPS, fid, COMPLETE)
    c.message(cid, at(dt.date(2024, 3, 21), 16), "邮件", "发出", ROUTINE[5])   # the day's contact, under the right id
    # A message whose time cannot be read; one with its channel cell empty; one without a direction.
    # (A channel word no vocabulary knows is a note about the file, not a finding: see the message below.)
    cid = c.customer("A", "130万")
    c.clean(cid, "A")
    c.expect(MESSAGES, c.message(cid, None, "微信", "发出", ROUTINE[0], timestamp="昨天下午"), COMPLETE)
    c.expect(MESSAGES, c.message(cid, at(dt.date(2024, 4, 3), 16), "", "发出", ROUTINE[6]), COMPLETE)
    c.message(cid, at(dt.date(2024, 4, 8), 16), "飞鸽传书", "发出", ROUTINE[6])
    c.expect(MESSAGES, c.message(cid, at(dt.date(2024, 4, 13), 16), "微信", "", ROUTINE[7]), COMPLETE)
    # An amount nobody can read (the tier rule needs it too).
    cid = c.customer("B", "约一百多万")
    c.clean(cid, "B")
    c.expect(CUSTOMERS, cid, COMPLETE)
    # Tier D is both malformed (D1) and not what the standard gives (K1 expects C).
    cid = c.customer("C", "6万", recorded="D")
    c.expect(CUSTOMERS, cid, COMPLETE)
    c.expect(CUSTOMERS, cid, TIER)
    c.clean(cid, "C")   # its contacts are not judged for cadence: tier D has none
    # A yes/no flag nobody can read.
    cid = c.customer("C", "7万", strategic="也许")
    c.clean(cid, "C")
    c.expect(CUSTOMERS, cid, COMPLETE)

    # ---- R4: gifts worth more than 200 元 ---------------------------------
    cid = c.customer("A", "110万")
    days = c.clean(cid, "A", skip=(dt.date(2024, 3, 16), dt.date(2024, 3, 26), dt.date(2024, 4, 5), dt.date(2024, 4, 15)))
    c.expect(MESSAGES, c.message(cid, at(dt.date(2024, 3, 16)), "微信", "发出", "送您一台价值800元的蓝牙音箱，下周寄到公司。"), GIFT)
    c.message(cid, at(dt.date(2024, 3, 26)), "微信", "发出", "送您一本价值50元的LOGO笔记本，感谢支持。")
    c.expect(MESSAGES, c.message(cid, at(dt.date(2024, 4, 5)), "邮件", "发出", "这次的礼品价值300元左右，都是定制款。"), GIFT)
    c.message(cid, at(dt.date(2024, 4, 15)), "微信", "发出", "给您准备了一份200元的礼品，拜访时带过去。")
    return c


def csv_text(rows, header):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main():
    c = build()
    os.makedirs(OUT, exist_ok=True)
    files = {
        "customers.csv": csv_text(c.customers, ["客户编号", "客户名称", "客户等级", "年采购额", "战略合作", "高增长", "负责人"]),
        "followups.csv": csv_text(c.followups, ["记录编号", "客户编号", "客户名称", "联系人", "职务", "沟通时间", "沟通方式", "需求描述",
                                                "异议点", "客户承诺", "跟进人", "跟进时间", "跟进内容", "需协助事项", "录入时间"]),
        "messages.jsonl": "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in c.messages),
    }
    for name, text in files.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    lines = ["file\trecord_id\trule"] + sorted("\t".join(label) for label in c.labels)
    with open(os.path.join(ROOT, "Tests", "CorpusExpectations", "policy.tsv"), "w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"{len(c.customers)} customers, {len(c.followups)} follow-ups, {len(c.messages)} messages, {len(c.labels)} labels")


if __name__ == "__main__":
    main()
