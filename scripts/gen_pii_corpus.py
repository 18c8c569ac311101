#!/usr/bin/env python3
"""Generates the labelled contact-detail corpus (deterministic, stdlib only).

Writes
  corpus/pii/messages.jsonl               short sales messages (messages dataset)
  Tests/CorpusExpectations/pii-labels.tsv  the findings crmlint must report:
                                           record_id, detector, typed value, expected masked form
  Tests/CorpusExpectations/pii-details.tsv every real detail planted (reported or not),
                                           for the test that no output carries one unmasked
  Tests/CorpusExpectations/pii-crmlint.yml the config the corpus is scanned with

Values are fake but well formed: check digits (GB 11643) and Luhn digits are
computed here, independently of crmlint's Swift code. Hard cases (masked
forms, look-alike numbers, wrong check digits, context words, messages to the
customer) are labelled as not reported. Usage: scripts/gen_pii_corpus.py [--seed N]
"""
import argparse
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPANY_DOMAINS = ["ourco.com", "ourco.cn"]
FULLWIDTH = str.maketrans("0123456789+-()@", "０１２３４５６７８９＋－（）＠")

# --- value makers ---------------------------------------------------------

MOBILE_PREFIXES = [p for p in
                   [f"13{d}" for d in range(10)] + [f"18{d}" for d in range(10)] + ["145", "147"]
                   + [f"15{d}" for d in "01235679"] + ["162", "165", "166", "167"]
                   + [f"17{d}" for d in "0123578"] + [f"19{d}" for d in "01235789"]]
BAD_MOBILE_PREFIXES = ["140", "141", "142", "143", "144", "146", "148", "149", "154", "160", "163", "164", "168",
                       "169", "179", "194", "120", "110", "100", "174"]
AREA2 = ["10", "20", "21", "22", "23", "24", "25", "27", "28", "29"]
AREA3 = ["755", "571", "512", "898", "531", "532", "591", "731", "871", "991", "351", "431", "451", "371"]
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
             61, 62, 63, 64, 65]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check(body17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS)) % 11]


def luhn_digit(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number):
    return luhn_digit(number[:-1]) == number[-1]


def is_id_like(number):
    """What crmlint's ID validator accepts (so cards and IDs are generated apart)."""
    if len(number) not in (15, 18) or not number[:-1].isdigit() or int(number[:2]) not in PROVINCES + [71, 81, 82, 83]:
        return False
    if len(number) == 15:
        y, m, d = 1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
    else:
        y, m, d = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not (1 <= m <= 12 and 1 <= d <= days_in(y, m)):
        return False
    return len(number) == 15 or id_check(number[:17]) == number[17].upper()


def is_card_like(number):
    if not number.isdigit() or not luhn_ok(number):
        return False
    n, two, four = len(number), int(number[:2]), int(number[:4])
    if n == 15:
        return two in (34, 37)
    if 16 <= n <= 19:
        if two == 62 or 3528 <= four <= 3589:
            return True
        if number[0] == "4":
            return n in (16, 19)
        return n == 16 and (51 <= two <= 55 or 2221 <= four <= 2720)
    return False


def days_in(year, month):
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


class Values:
    def __init__(self, rng):
        self.r = rng

    def digits(self, n):
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def mobile(self):
        prefix = self.r.choice(MOBILE_PREFIXES + ["1610", "17400", "17405"])
        return prefix + self.digits(11 - len(prefix))

    def bad_mobile(self):
        prefix = self.r.choice(BAD_MOBILE_PREFIXES)
        if prefix == "174":
            prefix = "1741"   # 174 outside the 17400-17405 satellite block
        return prefix + self.digits(11 - len(prefix))

    def landline(self):
        """(area code without trunk 0, subscriber)"""
        if self.r.random() < 0.5:
            return self.r.choice(AREA2), self.r.choice("2345678") + self.digits(7)
        return self.r.choice(AREA3), self.r.choice("2345678") + self.digits(self.r.choice([6, 7]))

    def birth(self, lo=1940, hi=2005):
        y = self.r.randint(lo, hi)
        m = self.r.randint(1, 12)
        return y, m, self.r.randint(1, days_in(y, m))

    def resident_id(self):
        while True:
            y, m, d = self.birth()
            body = f"{self.r.choice(PROVINCES)}{self.digits(4)}{y:04d}{m:02d}{d:02d}{self.digits(3)}"
            if not is_card_like(body + id_check(body)):
                return body + id_check(body)

    def legacy_id(self):
        while True:
            y, m, d = self.birth(1930, 1999)
            number = f"{self.r.choice(PROVINCES)}{self.digits(4)}{y % 100:02d}{m:02d}{d:02d}{self.digits(3)}"
            if not is_card_like(number):
                return number

    def card(self):
        kind = self.r.choice(["up16", "up19", "up19", "visa", "mc", "mc2", "amex", "jcb"])
        if kind == "up16":
            body = "62" + self.digits(13)
        elif kind == "up19":
            body = "62" + self.r.choice(["2202", "2848", "1700", "2588", "2609", "1483"]) + self.digits(12)
        elif kind == "visa":
            body = "4" + self.digits(14)
        elif kind == "mc":
            body = "5" + self.r.choice("12345") + self.digits(13)
        elif kind == "mc2":
            body = str(self.r.randint(2221, 2720)) + self.digits(11)
        elif kind == "amex":
            body = self.r.choice(["34", "37"]) + self.digits(12)
        else:
            body = str(self.r.randint(3528, 3589)) + self.digits(11)
        number = body + luhn_digit(body)
        return number if not is_id_like(number) else self.card()

    def wechat(self):
        first = self.r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        names = ["wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "ma", "hu"]
        middle = self.r.choice(names) + self.r.choice(["_", "-", "", ""]) + self.r.choice(["fang", "lei", "jie", "na", "qiang", "min", "bj", "sh", "gz"])
        tail = self.r.choice(["", str(self.r.randint(1, 99)), str(self.r.randint(1970, 2005))])
        value = first + middle + tail
        if len(value) < 6 or value.isalpha():
            value += str(self.r.randint(10, 99))
        return value[:20]

    def qq(self):
        return str(self.r.randint(1, 9)) + self.digits(self.r.randint(8, 9))

    def email(self):
        local = self.r.choice(["wang.fang", "zhangwei", "li_na", "chen.jie", "liu-yang", "sales.zhao", "hr", "huang.min",
                               "purchase", "sun.qiang"])
        local += self.r.choice(["", "", str(self.r.randint(1, 99)), "+crm"])
        domain = self.r.choice(["example.cn", "163.com", "126.com", "qq.com", "example.com.cn", "sub.example.org",
                                "client-corp.com", "foxmail.com", "gmail.com", "example.net"])
        return local, domain


# --- typed forms with their masks -------------------------------------------
# A form is (text, mask) where mask is the set of character indices crmlint
# must replace by '*' (phone: all but first 3 and last 4 national digits; ID:
# all but first 6 and last 4; card: all but first 4 and last 4; e-mail: the
# local part; messenger id: all of it).


def digit_indices(text):
    return [i for i, c in enumerate(text) if c in "0123456789０１２３４５６７８９Xx"]


def masked(text, mask):
    return "".join("*" if i in mask else c for i, c in enumerate(text))


def mobile_form(v, number, style):
    g = (number[:3], number[3:7], number[7:])
    prefix = ""
    if style == "plain":
        body = number
    elif style == "space":
        body = " ".join(g)
    elif style == "dash":
        body = "-".join(g)
    elif style == "dot":
        body = ".".join(g)
    elif style == "double-space":
        body = "  ".join(g)
    elif style == "fullwidth":
        body = number.translate(FULLWIDTH)
    elif style == "fullwidth-dash":
        body = "－".join(g).translate(FULLWIDTH)
    elif style == "plus86":
        prefix, body = "+86 ", " ".join(g)
    elif style == "plus86-dash":
        prefix, body = "+86-", "-".join(g)
    elif style == "plus86-glued":
        prefix, body = "+86", number
    elif style == "0086":
        prefix, body = "0086 ", number
    elif style == "0086-glued":
        prefix, body = "0086", number
    elif style == "86":
        prefix, body = "86-", "-".join(g)
    elif style == "bracket":
        prefix, body = "(+86)", number
    elif style == "fw-bracket":
        prefix, body = "（+86）", " ".join(g)
    else:
        raise ValueError(style)
    text = prefix + body
    national = [i for i in digit_indices(text) if i >= len(prefix)]
    return text, set(national[3:7])


MOBILE_STYLES = ["plain", "plain", "space", "dash", "dot", "double-space", "fullwidth", "fullwidth-dash", "plus86",
                 "plus86-dash", "plus86-glued", "0086", "0086-glued", "86", "bracket", "fw-bracket"]


def landline_form(v, area, sub, style):
    ext = ""
    if style.endswith("+ext"):
        style = style[:-4]
        ext = v.r.choice(["转8001", "-8001", " ext. 801", "分机66", "#1203", " x12"])
    half = len(sub) - 4
    if style == "dash":
        prefix, text_sub = f"0{area}-", sub
    elif style == "glued":
        prefix, text_sub = f"0{area}", sub
    elif style == "paren":
        prefix, text_sub = f"(0{area})", sub
    elif style == "fw-paren":
        prefix, text_sub = f"（0{area}）", sub[:half] + " " + sub[half:]
    elif style == "space":
        prefix, text_sub = f"0{area} ", sub[:half] + " " + sub[half:]
    elif style == "plus86":
        prefix, text_sub = f"+86-{area}-", sub[:half] + "-" + sub[half:]
    elif style == "plus86-space":
        prefix, text_sub = f"+86 {area} ", sub[:half] + " " + sub[half:]
    elif style == "0086":
        prefix, text_sub = f"0086 {area} ", sub
    elif style == "trunk":
        prefix, text_sub = f"+86 (0){area} ", sub
    else:
        raise ValueError(style)
    text = prefix + text_sub + ext
    sub_digits = [i for i in digit_indices(text) if len(prefix) <= i < len(prefix) + len(text_sub)]
    return text, set(sub_digits[:-4])


LANDLINE_STYLES = ["dash", "dash", "glued", "paren", "fw-paren", "space", "plus86", "plus86-space", "0086", "trunk",
                   "dash+ext", "paren+ext", "space+ext"]


def id_form(number, style):
    if style == "plain":
        text = number
    elif style == "lower-x":
        text = number[:-1] + number[-1].lower()
    elif style == "grouped":
        text = f"{number[:6]} {number[6:14]} {number[14:]}"
    elif style == "fullwidth":
        text = number.translate(FULLWIDTH)
    else:
        raise ValueError(style)
    d = digit_indices(text)
    return text, set(d[6:-4])


def card_form(number, style):
    if style == "plain":
        text = number
    elif style == "space4":
        text = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    elif style == "dash4":
        text = "-".join(number[i:i + 4] for i in range(0, len(number), 4))
    elif style == "fullwidth":
        text = number.translate(FULLWIDTH)
    else:
        raise ValueError(style)
    d = digit_indices(text)
    return text, set(d[4:-4])


def email_form(local, domain, style):
    if style == "upper":
        local, domain = local.capitalize(), domain.upper()
    at = "＠" if style == "fullwidth-at" else "@"
    text = local + at + domain
    return text, set(range(len(local)))


# --- messages -----------------------------------------------------------------

class Corpus:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.v = Values(self.r)
        self.records = []
        self.labels = []     # (record_id, detector, typed, masked)
        self.details = []    # (record_id, detector, typed)

    def add(self, text, details=(), recipient_type=None, recipient=None, reported=True):
        """details: (detector, typed, mask) planted in text; reported: whether scope makes them findings."""
        rid = f"PII-{len(self.records) + 1:04d}"
        record = {
            "id": rid,
            "customer_id": f"C{self.r.randint(1000, 1999)}",
            "timestamp": f"2024-04-{self.r.randint(1, 28):02d} {self.r.randint(8, 19):02d}:{self.r.choice(['00', '15', '30', '45'])}",
            "channel": self.r.choice(["微信", "短信", "邮件", "电话备注"]),
            "direction": "outbound",
            "rep": self.r.choice(["张伟", "李娜", "王强", "刘洋", "陈静"]),
            "text": text,
        }
        if recipient_type is not None:
            record["recipient_type"] = recipient_type
        if recipient is not None:
            record["recipient"] = recipient
        self.records.append(record)
        for detector, typed, mask in details:
            assert typed in text, (typed, text)
            self.details.append((rid, detector, typed))
            if reported:
                self.labels.append((rid, detector, typed, masked(typed, mask)))
        return rid

    def leak_recipient(self):
        """A recipient for a message carrying a detail: (recipient_type, recipient). All but colleagues
        (internal) make it a leak."""
        choice = self.r.random()
        if choice < 0.35:
            return self.r.choice(["third_party", "第三方", "partner", "代理商"]), self.r.choice([None, "物流公司张经理", "agent@partner-logistics.com"])
        if choice < 0.5:
            return self.r.choice(["external", "外部"]), None
        if choice < 0.7:
            return "internal", self.r.choice([None, "lina@ourco.com", "同事李娜"])
        if choice < 0.85:
            return None, self.r.choice(["buyer@client-corp.com", "ops@partner.cn", "someone@gmail.com"])
        return None, None

    def leak(self, template, details=(), **kw):
        recipient_type, recipient = self.leak_recipient()
        # P1 lets customer information circulate inside the sales team: a detail sent to a colleague
        # is real (pii-details.tsv) but not a finding under the default scope.
        if recipient_type == "internal":
            kw["reported"] = False
        return self.add(template, details, recipient_type=recipient_type, recipient=recipient, **kw)


LEAD_INS = {
    "mobile-cn": ["客户王总手机{}，请贵司直接联系。", "采购李经理的电话是{}，您跟他约时间。", "对接人：{}（陈工）",
                  "备注：客户换了新号{}", "把刘总号码{}转给安装师傅", "手机{}谢谢", "老板电话 {} 下午都在",
                  "联系人张女士 {}，明早九点后方便接听", "客户说有事打{}找他", "Tel:{}（客户本人）", "微信同号{}",
                  "QQ: {}（也是他手机）", "紧急联系人电话{}。"],
    "landline-cn": ["客户办公室电话{}，请贵司直接联系。", "前台总机{}", "财务科电话：{}", "请打对方座机{}找赵会计",
                    "传真{}，合同请传过去", "客户仓库电话 {} 收货前先打"],
    "email": ["客户邮箱{}，请贵司直接发报价。", "请发到{}谢谢", "采购负责人邮箱：{}", "抄送{}", "对方邮箱 {} 已确认",
              "客户私人邮箱<{}>", "mailto:{}", "资料发{}。"],
    "resident-id-cn": ["客户身份证号{}，请贵司开票用。", "身份证：{}", "法人证件号 {} 已核对", "对方身份证号码{}",
                       "备注：开户人身份证{}", "身份证{}，地址见合同"],
    "bank-card": ["客户回款卡号{}，请贵司核对。", "卡号{}", "银行卡 {} 户名王芳", "对方账号{}", "开户行工行，账号{}",
                  "退款请打到{}（客户本人卡）", "信用卡{}"],
    "messenger-id": [],
}


def build(seed):
    c = Corpus(seed)
    v, r = c.v, c.r

    # Mobiles in every typed form, to leak-scoped recipients.
    for i in range(48):
        number = v.mobile()
        text, mask = mobile_form(v, number, MOBILE_STYLES[i % len(MOBILE_STYLES)])
        template = LEAD_INS["mobile-cn"][i % len(LEAD_INS["mobile-cn"])]
        c.leak(template.format(text), [("mobile-cn", text, mask)])
    # Landlines.
    for i in range(39):
        area, sub = v.landline()
        text, mask = landline_form(v, area, sub, LANDLINE_STYLES[i % len(LANDLINE_STYLES)])
        c.leak(LEAD_INS["landline-cn"][i % len(LEAD_INS["landline-cn"])].format(text), [("landline-cn", text, mask)])
    # E-mails.
    for i in range(32):
        local, domain = v.email()
        text, mask = email_form(local, domain, ["plain", "plain", "fullwidth-at", "upper"][i % 4])
        c.leak(LEAD_INS["email"][i % len(LEAD_INS["email"])].format(text), [("email", text, mask)])
    # Resident IDs (18-digit in four forms, and legacy 15-digit).
    for i in range(32):
        if i % 8 == 7:
            number = v.legacy_id()
            text, mask = id_form(number, "plain")
        else:
            number = v.resident_id()
            style = ["plain", "lower-x", "grouped", "fullwidth", "plain", "plain", "grouped"][i % 7]
            if style == "lower-x" and not number.endswith("X"):
                style = "plain"
            text, mask = id_form(number, style)
        c.leak(LEAD_INS["resident-id-cn"][i % len(LEAD_INS["resident-id-cn"])].format(text), [("resident-id-cn", text, mask)])
    # Bank cards.
    for i in range(35):
        number = v.card()
        text, mask = card_form(number, ["plain", "space4", "dash4", "fullwidth", "plain"][i % 5])
        c.leak(LEAD_INS["bank-card"][i % len(LEAD_INS["bank-card"])].format(text), [("bank-card", text, mask)])
    # WeChat and QQ ids with their introductions.
    wechat_intros = ["王总微信号：{}，您加他聊。", "客户微信 {}", "加微信{}详谈", "wx: {}", "WeChat ID: {}", "vx：{}",
                     "V信 {} 备注公司名", "微信是{}", "她的微信号{}，周末也回消息", "客户微信：{}。"]
    for i in range(30):
        value = v.wechat()
        text = wechat_intros[i % len(wechat_intros)].format(value)
        c.leak(text, [("messenger-id", value, set(range(len(value))))])
    qq_intros = ["对方QQ：{}", "QQ号 {} 是采购小刘的", "扣扣 {}", "qq:{}，晚上在线", "客户QQ号码是{}"]
    for i in range(15):
        value = v.qq()
        c.leak(qq_intros[i % len(qq_intros)].format(value), [("messenger-id", value, set(range(len(value))))])
    value = "wxid_" + "".join(r.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(12))
    c.leak(f"系统微信号{value}，已加好友", [("messenger-id", value, set(range(len(value))))])

    # Several details in one message.
    for _ in range(14):
        number = v.mobile()
        local, domain = v.email()
        card = v.card()
        m_text, m_mask = mobile_form(v, number, r.choice(["plain", "space", "dash"]))
        e_text, e_mask = email_form(local, domain, "plain")
        k_text, k_mask = card_form(card, r.choice(["plain", "space4"]))
        c.leak(f"客户资料：手机{m_text}，邮箱{e_text}，回款卡号{k_text}，请贵司跟进。",
               [("mobile-cn", m_text, m_mask), ("email", e_text, e_mask), ("bank-card", k_text, k_mask)])
    for _ in range(6):
        a, b = v.mobile(), v.mobile()
        c.leak(f"两位联系人：{a} / {b}", [("mobile-cn", a, set(digit_indices(a)[3:7])), ("mobile-cn", b, set(digit_indices(b)[3:7]))])

    # Hand-written hard positives: odd separators, mixed widths, slang introductions.
    def hard(text, detector, typed, mask_digits=None, mask=None):
        if mask is None:
            d = digit_indices(typed)
            lo, hi = mask_digits
            mask = set(d[lo:len(d) - hi])
        c.leak(text.format(typed), [(detector, typed, mask)])

    n = v.mobile()
    hard("电话：{}。", "mobile-cn", f"{n[:3]}\u3000{n[3:7]}\u3000{n[7:]}", (3, 4))
    n = v.mobile()
    hard("手机{}（白天打）", "mobile-cn", f"{n[:3]}—{n[3:7]}—{n[7:]}", (3, 4))
    n = v.mobile()
    hard("手机号：{}", "mobile-cn", n[0] + n[1:].translate(FULLWIDTH), (3, 4))
    n = v.mobile()
    hard("他的号码({})", "mobile-cn", n, (3, 4))
    n = v.mobile()
    hard("{} is his direct line", "mobile-cn", n, (3, 4))
    n = v.mobile()
    text, mask = mobile_form(v, n, "plus86-dash")
    c.leak(f"Mob: {text}", [("mobile-cn", text, mask)])
    a, b = v.mobile(), v.mobile()
    c.leak(f"王总{a}、李总{b}都可以联系", [("mobile-cn", a, set(digit_indices(a)[3:7])), ("mobile-cn", b, set(digit_indices(b)[3:7]))])
    a, b = v.mobile(), v.mobile()
    c.leak(f"{a} {b}（两个号都是他的）", [("mobile-cn", a, set(digit_indices(a)[3:7])), ("mobile-cn", b, set(digit_indices(b)[3:7]))])
    area, sub = v.landline()
    hard("总机{} 转 8001", "landline-cn", f"0{area}-{sub}", mask=set(digit_indices(f"0{area}-{sub}")[len(area) + 1:-4]))
    area, sub = "21", "5" + v.digits(7)
    hard("上海办公室 {}", "landline-cn", f"+86 21 {sub[:4]} {sub[4:]}", mask=set(digit_indices(f"+86 21 {sub[:4]} {sub[4:]}")[4:-4]))
    area, sub = "10", "6" + v.digits(7)
    hard("北京座机{}", "landline-cn", f"010—{sub}", mask=set(digit_indices(f"010—{sub}")[3:-4]))
    for _ in range(3):
        number = v.resident_id()
        typed = " ".join(number[i:i + 4] for i in range(0, 18, 4))
        hard("身份证号码为{}", "resident-id-cn", typed, (6, 4))
    number = v.resident_id()
    hard("身份证号：{}（法人）", "resident-id-cn", number[:9] + number[9:].translate(FULLWIDTH), (6, 4))
    number = v.card()
    typed = "-".join(number[i:i + 4] for i in range(0, len(number), 4))
    hard("工资卡{}(工行)", "bank-card", typed, (4, 4))
    number = v.card()
    hard("卡号：{}，户名王芳", "bank-card", number[:4] + number[4:].translate(FULLWIDTH), (4, 4))
    for intro in ["加V：{}", "加个v {}", "+V {}"]:
        value = v.wechat()
        c.leak(intro.format(value), [("messenger-id", value, set(range(len(value))))])
    value = v.wechat()
    c.leak(f"微信：{value}（备注公司名）", [("messenger-id", value, set(range(len(value))))])
    local, domain = v.email()
    typed = f"{local}@{domain}"
    c.leak(f"王芳 <{typed}>", [("email", typed, set(range(len(local))))])
    c.leak(f"资料请发 {typed}.", [("email", typed, set(range(len(local))))])

    # --- scope: real details that are not findings (messages to the customer) ---
    for i in range(40):
        kind = i % 6
        if kind == 0:
            number = v.mobile()
            text, mask = mobile_form(v, number, r.choice(["plain", "space", "dash"]))
            c.add(f"王总您好，我是贵司的客户经理，我的手机{text}，有事随时联系。", [("mobile-cn", text, mask)],
                  recipient_type="customer", reported=False)
        elif kind == 1:
            area, sub = v.landline()
            text, mask = landline_form(v, area, sub, "dash")
            c.add(f"您好，我们公司座机{text}，欢迎来电。", [("landline-cn", text, mask)], recipient_type="customer",
                  recipient="buyer@client-corp.com", reported=False)
        elif kind == 2:
            local, domain = v.email()
            text, mask = email_form(local, domain, "plain")
            c.add(f"李总，您登记的邮箱是{text}，请确认是否正确。", [("email", text, mask)], recipient_type=r.choice(["customer", "客户"]),
                  reported=False)
        elif kind == 3:
            number = v.resident_id()
            text, mask = id_form(number, "plain")
            c.add(f"您好，合同上您的身份证号{text}，请核对。", [("resident-id-cn", text, mask)], recipient_type="customer",
                  reported=False)
        elif kind == 4:
            number = v.card()
            text, mask = card_form(number, "space4")
            c.add(f"您的退款已原路退回卡号{text}，请查收。", [("bank-card", text, mask)], recipient_type="client", reported=False)
        else:
            value = v.wechat()
            c.add(f"您好，我的微信号：{value}，方便的话加一下。", [("messenger-id", value, set(range(len(value))))],
                  recipient_type="customer", reported=False)
    # Company addresses are not customer details.
    for _ in range(8):
        name = r.choice(["service", "support", "zhang.wei", "sales"])
        domain = r.choice(COMPANY_DOMAINS)
        c.leak(f"有问题请联系我们的{r.choice(['客服', '同事', '售后'])}邮箱 {name}@{domain}")

    # --- hard negatives: look-alikes that are not details ---
    def neg(text, **kw):
        recipient_type, recipient = c.leak_recipient()
        c.add(text, recipient_type=kw.get("recipient_type", recipient_type), recipient=recipient)

    for _ in range(10):   # masked mobiles
        n = v.mobile()
        neg(r.choice([f"客户手机{n[:3]}****{n[7:]}，已登记。", f"回访号码{n[:3]}-****-{n[7:]}，请勿外传。",
                      f"联系方式{n[:3]}{n[7:]}（已脱敏）", f"号码{n[:3]} **** {n[7:]}", f"手机{n[:7]}****",
                      f"电话{n[:3]}xxxx{n[7:]}", f"客户手机尾号{n[7:]}", f"后四位{n[7:]}的那位客户"]))
    for _ in range(8):    # unallocated prefixes
        neg(f"号码{v.bad_mobile()}不是有效手机号段，请客户重新提供。")
    for _ in range(8):    # mobiles inside longer numbers or after record words
        n = v.mobile()
        neg(r.choice([f"订单号2024031{r.randint(0, 9)}{n}已发货", f"订单号：{n}，请核对。", f"流水号{n}{v.digits(3)}",
                      f"物流单号SF{n}{v.digits(2)}", f"合同编号 {n}", f"时间戳{v.digits(2)}{n}", f"发票号码{n}"]))
    for _ in range(6):    # amounts and numbers that are not phones
        n = v.mobile()
        neg(r.choice([f"合同金额{n}元", f"预算¥{n}", f"累计产量{n}.50吨", f"数值{n[:10]}（十位）", f"编码{n}{v.digits(1)}（十二位）",
                      f"时间戳{v.digits(13)}"]))
    for _ in range(4):
        n = v.mobile()
        neg(r.choice([f"交易流水{n}", f"单据号{n}", f"交易号：{n}", f"参考号{n}"]))
    for text in ["邮编100086", "比例0.7551234", "分机号8001", "0571-8812", "0755-267812345（位数不对）",
                 "IP 10.62.34.56", "数量：1,380,123,456", "请填写邮箱", "微信转账已收到", "QQ: 暂无"]:
        neg(text)
    for text in ["客服热线400-820-8820", "免费电话800-820-8820", "工行客服95588", "移动客服10086", "市民热线12345",
                 "交货日期2024-05201234批次", "区号0755，号码见联系方式字段", "邮编518000", "电话010-****5678（已脱敏）",
                 "区号026不存在：026-81234567", "编号021-12345678", "号码010-6234567少一位", "会议 2024-05-20 14:30-16:00",
                 "版本号 V2.10.5723", "合同号：0755-26781234", "报价单号 0571-88123456"]:
        neg(text)
    for text in ["客户邮箱***@example.com（已脱敏）", "客户邮箱w***@163.com", "@张经理 麻烦看下报价", "官网example.com有产品手册",
                 "版本v1.2@2024发布", "邮箱格式写错了：wang@@example", "发送到 user@localhost 的测试邮件",
                 "邮件地址后缀是@example.cn", "价格@5.5元/件", "请用公司邮箱收发"]:
        neg(text)
    for _ in range(14):   # ID look-alikes
        n = v.resident_id()
        y, m, d = v.birth()
        bad_check = n[:-1] + r.choice([ch for ch in "0123456789X" if ch != n[-1]])
        future = f"{r.choice(PROVINCES)}{v.digits(4)}2030{m:02d}{min(d, 28):02d}{v.digits(3)}"
        future += id_check(future)
        bad_date = f"{r.choice(PROVINCES)}{v.digits(4)}1999023{r.randint(0, 1)}{v.digits(3)}"
        bad_date += id_check(bad_date)
        bad_province = f"{r.choice([10, 19, 20, 24, 38, 47, 55, 66, 70, 80, 90])}{v.digits(4)}{y:04d}{m:02d}{d:02d}{v.digits(3)}"
        bad_province += id_check(bad_province)
        neg(r.choice([f"身份证号{bad_check}（校验位不对）", f"身份证号{future}", f"身份证号{bad_date}", f"证件号{bad_province}",
                      f"身份证号{n[:6]}********{n[-4:]}（已脱敏）", f"身份证后四位{n[-4:]}", f"单号{n}",
                      f"流水号{n}{v.digits(2)}"]))
    neg("统一社会信用代码91110000600037341L")
    neg("统一社会信用代码91310115MA1K3XXX2C")
    for _ in range(16):   # card look-alikes
        n = v.card()
        bad = n[:-1] + str((int(n[-1]) + r.randint(1, 9)) % 10)
        body = r.choice("1789") + v.digits(14)
        implausible = body + luhn_digit(body)
        neg(r.choice([f"卡号{bad}（号码有误）", f"物流单号{n}", f"订单号：{n}", f"运单号 {n}", f"卡号{n[:4]} **** **** {n[-4:]}",
                      f"卡号{n[:6]}******{n[-4:]}", f"尾号{n[-4:]}的卡已挂失", f"编号{implausible}",
                      f"数量{v.digits(20)}件", f"序列号{n}"]))
    for text in ["已通过微信沟通，客户同意下周拜访。", "加微信聊一下方案", "拉了个微信群，方便沟通", "QQ群123456789里发了通知",
                 "客户要求用微信支付定金", "用微信 meeting 功能开会", "请关注微信公众号：ourco_tech", "微信号w***8（已脱敏）",
                 "QQ 2024年注册的", "QQ 20240315 那天加的", "客户QQ邮箱也能收", "wx 公众号文章已转发", "微信里说了 okay",
                 "vx 联系过了", "QQ音乐会员活动"]:
        neg(text)
    # Plain messages without any detail.
    for text in ["王总您好，报价单已更新，请查收附件。", "明天下午三点上门拜访，请确认时间。", "样品已寄出，预计周三到。",
                 "客户对交期有异议，需要协调工厂。", "本周跟进计划已录入系统。", "发票已开，金额120万元。",
                 "感谢您今天抽空见面，方案细节我们下周再沟通。", "客户希望分三期付款，首付30%。", "设备型号 KX-2000，数量12台。",
                 "会议纪要见共享文件夹。"]:
        neg(text)
    return c


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    c = build(args.seed)
    os.makedirs(os.path.join(ROOT, "corpus", "pii"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "Tests", "CorpusExpectations"), exist_ok=True)
    with open(os.path.join(ROOT, "corpus", "pii", "messages.jsonl"), "w", encoding="utf-8") as out:
        for record in c.records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    with open(os.path.join(ROOT, "Tests", "CorpusExpectations", "pii-labels.tsv"), "w", encoding="utf-8") as out:
        out.write("# Findings crmlint must report on corpus/pii/messages.jsonl (generated by scripts/gen_pii_corpus.py).\n")
        out.write("# record_id\tdetector\ttyped value\texpected masked form\n")
        for row in c.labels:
            out.write("\t".join(row) + "\n")
    with open(os.path.join(ROOT, "Tests", "CorpusExpectations", "pii-details.tsv"), "w", encoding="utf-8") as out:
        out.write("# Every real contact detail in corpus/pii/messages.jsonl, reported or not (generated).\n")
        out.write("# record_id\tdetector\ttyped value\n")
        for row in c.details:
            out.write("\t".join(row) + "\n")
    with open(os.path.join(ROOT, "Tests", "CorpusExpectations", "pii-crmlint.yml"), "w", encoding="utf-8") as out:
        out.write("# Config for scanning corpus/pii (generated by scripts/gen_pii_corpus.py).\n")
        out.write(f"company_domains: [{', '.join(COMPANY_DOMAINS)}]\n")
    print(f"{len(c.records)} messages, {len(c.labels)} labelled findings, {len(c.details)} planted details")


if __name__ == "__main__":
    main()
