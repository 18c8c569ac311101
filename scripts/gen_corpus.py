#!/usr/bin/env python3
"""Generate crmlint's bundled sample export (corpus/) and its conduct labels.

Writes a realistic, deterministic CRM export for a fictional vendor (苏州恒拓智能装备,
compressed-air systems, servo drives, packaging lines, MES software) to ``corpus/``:

  corpus/customers.csv      GB18030, CRLF, Chinese headers (as Excel on Chinese Windows writes it)
  corpus/followups.csv      Template 1 records, UTF-8 with BOM, CRLF, quoted commas and newlines
  corpus/messages.jsonl     contact and message log, English keys, mixed time formats
  corpus/messages-hk.csv    Hong Kong branch log in Traditional Chinese, UTF-8, LF
  corpus/complaints.csv     Template 3 complaints, UTF-8, CRLF, masked contact details

and the pattern-rule findings a scan must produce to
``Tests/CorpusExpectations/conduct.tsv`` (``file<TAB>record_id<TAB>category``, sorted).

Most text is ordinary, compliant sales talk. The generator injects violations of
every pattern rule in rules/R1..R7 (several each, some Traditional, full-width or
spaced) and many hard non-violations (negations, quoted policy text, look-alikes
such as 第一次, 最近, 红包封面, 合同约定返点). It labels only what it injected, so
the label file is exactly the expected conduct findings.

Deterministic: fixed seed, fixed 2024 dates, no wall clock. Python 3 stdlib only.
Run from anywhere: ``python3 scripts/gen_corpus.py``.
"""

import csv
import datetime as dt
import io
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rng = random.Random(20240315)

# --------------------------------------------------------------------------
# Which fields each pattern rule reads (mirrors `datasets`/`fields` in rules/R*.yml).
# Injecting a violation into a field a rule does not read is a generator bug.
# --------------------------------------------------------------------------
_REP_TEXT = {"messages": {"text"}, "followups": {"next_followup_content"},
             "complaints": {"resolution", "improvements"}}
_BRIBERY = {"messages": {"text"},
            "followups": {"needs", "objections", "customer_commitment", "next_followup_content", "assistance_needed"},
            "complaints": {"resolution", "improvements"}}
_SENSITIVE = {"messages": {"text"}, "followups": {"needs", "objections", "next_followup_content"}}
_MSG_ONLY = {"messages": {"text"}}
_CANCEL = {"messages": {"text"}, "followups": {"next_followup_content"}}
SCOPE = {
    "conduct.zero-failure": _REP_TEXT,
    "conduct.absolute-efficacy": _REP_TEXT,
    "conduct.absolute-superlative": _REP_TEXT,
    "conduct.advertising-law-terms": _REP_TEXT,
    "conduct.resolve-everything": _REP_TEXT,
    "conduct.guarantee-outcome": _REP_TEXT,
    "conduct.perpetual-promise": _REP_TEXT,
    "conduct.kickback": _BRIBERY,
    "conduct.off-book-payment": _BRIBERY,
    "conduct.gift-card-cash": _BRIBERY,
    "conduct.implied-favor": _BRIBERY,
    "conduct.politics": _SENSITIVE,
    "conduct.religion": _SENSITIVE,
    "conduct.customer-privacy": _SENSITIVE,
    "conduct.slang": _MSG_ONLY,
    "conduct.vulgar-language": _MSG_ONLY,
    "conduct.assumed-needs-opinion": _MSG_ONLY,
    "conduct.assumed-needs-certainty": _MSG_ONLY,
    "conduct.ask-cancel-reason": _CANCEL,
}

# The category each injected violation belongs to: the expectations are by
# category, so the rules of a category can be rewritten without relabelling.
CATEGORY = {rule: category for category, rules in {
    "exaggeration": ["conduct.zero-failure", "conduct.absolute-efficacy", "conduct.absolute-superlative", "conduct.advertising-law-terms"],
    "overpromise": ["conduct.resolve-everything", "conduct.guarantee-outcome", "conduct.perpetual-promise"],
    "bribery": ["conduct.kickback", "conduct.off-book-payment", "conduct.gift-card-cash", "conduct.implied-favor"],
    "sensitive-topic": ["conduct.politics", "conduct.religion", "conduct.customer-privacy", "conduct.slang", "conduct.vulgar-language"],
    "assumption": ["conduct.assumed-needs-opinion", "conduct.assumed-needs-certainty"],
    "cancellation": ["conduct.ask-cancel-reason"],
}.items() for rule in rules}
assert set(CATEGORY) == set(SCOPE)

LABELS = set()


def label(path, record_id, dataset, field, rules):
    for rule in rules:
        if field not in SCOPE[rule].get(dataset, ()):
            raise SystemExit(f"generator bug: {rule} does not read {dataset}.{field}")
        LABELS.add((path, str(record_id), CATEGORY[rule]))


class V:
    """A snippet of text that violates the listed rules."""

    def __init__(self, text, *rules):
        self.text = text
        self.rules = rules


# --------------------------------------------------------------------------
# People and customers
# --------------------------------------------------------------------------
REPS = ["张明", "李娜", "王强", "陈静", "刘洋", "赵磊", "孙丽", "周婷"]
HK_REPS = ["陳嘉儀", "黃志強"]

CITIES = ["苏州", "无锡", "常州", "宁波", "杭州", "嘉兴", "东莞", "佛山", "青岛", "烟台", "合肥", "芜湖",
          "成都", "重庆", "武汉", "长沙", "郑州", "天津", "温州", "泉州", "南通", "昆山", "台州", "绍兴"]
BRANDS = ["恒远", "华晟", "金泰", "德嘉", "鑫源", "瑞丰", "宏达", "立信", "博远", "天诚", "永创", "中科",
          "海川", "凯盛", "新锐", "明辉", "同创", "汇通", "万邦", "华美", "东升", "精工", "科力", "嘉禾",
          "远航", "正泰隆", "三和", "润达", "安捷", "信诚"]
INDUSTRIES = ["机械制造", "精密五金", "塑胶制品", "食品", "纺织", "包装材料", "电子科技", "汽车零部件",
              "新材料", "医疗器械", "家具", "印染", "化工", "光电", "物流设备", "饮料", "制药", "陶瓷"]
HK_COMPANIES = ["香港德信貿易有限公司", "九龍恒昌實業有限公司", "新界順發印刷廠有限公司", "香港永利食品有限公司",
                "荃灣金匯五金製品有限公司", "觀塘宏圖電子有限公司", "沙田華興包裝有限公司", "葵涌捷運物流有限公司"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"]
GIVEN = ["建国", "志强", "海涛", "丽娟", "秀英", "伟", "敏", "静", "军", "磊", "晓东", "春梅", "国华", "立新", "雪梅",
         "文斌", "俊杰", "红霞", "振华", "玉兰"]
TITLES = [("采购经理", "经理"), ("总经理", "总"), ("设备科长", "科长"), ("生产总监", "总"), ("采购主管", "主管"),
          ("厂长", "厂长"), ("技术部经理", "经理"), ("副总经理", "总"), ("工程部主任", "主任")]

N_MAINLAND = 52
customers = []
used_names = set()
for i in range(1, N_MAINLAND + 1):
    while True:
        name = rng.choice(CITIES) + rng.choice(BRANDS) + rng.choice(INDUSTRIES) + rng.choice(["有限公司", "有限公司", "股份有限公司"])
        if name not in used_names:
            used_names.add(name)
            break
    customers.append({"id": f"CRM-2024-{i:03d}", "name": name, "hk": False})
for j, name in enumerate(HK_COMPANIES):
    customers.append({"id": f"CRM-2024-{N_MAINLAND + 1 + j:03d}", "name": name, "hk": True})


def short_name(name):
    for city in CITIES:
        if name.startswith(city):
            return name[len(city):len(city) + 2]
    return name[:4]


for k, c in enumerate(customers):
    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
    title, addr = rng.choice(TITLES)
    c["contact"] = surname + given
    c["title"] = title
    c["addr"] = surname + addr          # how the rep addresses them: 王总, 李经理 …
    c["rep"] = rng.choice(HK_REPS) if c["hk"] else REPS[k % len(REPS)]
    c["short"] = short_name(c["name"])
    c["city"] = next((city for city in CITIES if c["name"].startswith(city)), "香港")
    roll = rng.random()
    if roll < 0.3:
        wan = rng.choice([100, 120, 150, 180, 220, 260, 300, 450, 600, 850]) + rng.choice([0, 0, 0.5])
    elif roll < 0.65:
        wan = rng.choice([30, 35, 42, 48, 55, 60, 68, 75, 85.5, 90, 96])
    else:
        wan = rng.choice([3, 5, 8, 12, 15, 18, 20, 22.5, 25, 28])
    c["wan"] = wan
    c["strategic"] = wan >= 100 and rng.random() < 0.4 or (wan < 100 and rng.random() < 0.05)
    c["growth"] = rng.random() < 0.12
    if wan >= 100 or c["strategic"] or c["growth"]:
        tier = "A"
    elif wan >= 30:
        tier = "B"
    else:
        tier = "C"
    c["tier"] = tier

# A few tiers that do not match Template 2 (for the tier check, not labelled here).
for idx, wrong in ((4, "B"), (17, "A"), (29, "C"), (41, "B"), (55, "A")):
    if customers[idx]["tier"] != wrong:
        customers[idx]["tier"] = wrong


def amount_text(wan):
    yuan = int(round(wan * 10000))
    style = rng.randrange(4)
    if style == 0:
        return f"{wan:g}万"
    if style == 1:
        return f"¥{yuan:,}"
    if style == 2:
        return f"{wan:g}万元"
    return str(yuan)


PRODUCTS = ["螺杆空压机", "冷干机", "伺服系统", "自动包装线", "MES系统", "视觉检测设备", "节能改造方案", "AGV小车",
            "变频空压机组", "余热回收装置"]
for c in customers:
    c["product"] = rng.choice(PRODUCTS)

# --------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------
WEEKDAYS = "一二三四五六日"


def cn_date(d):
    return f"{d.month}月{d.day}日"


def fmt_ts(t):
    style = rng.randrange(3)
    if style == 0:
        return t.strftime("%Y-%m-%d %H:%M")
    if style == 1:
        return f"{t.year}/{t.month}/{t.day} {t.hour:02d}:{t.minute:02d}"
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def work_time(day, hour_lo=9, hour_hi=18):
    return dt.datetime(day.year, day.month, day.day, rng.randrange(hour_lo, hour_hi), rng.choice([0, 5, 10, 15, 20, 30, 40, 45, 50]))


def next_workday(d, n=1):
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


# --------------------------------------------------------------------------
# Ordinary (compliant) text
# --------------------------------------------------------------------------
CALL_INTRO = [
    "电话联系{c}，介绍了我司{p}的节能数据，约{d}上门拜访。",
    "{c}您好，我是恒拓智能的{me}，想跟您约个时间当面介绍一下{p}，您{d}方便吗？",
    "电话沟通：{c}目前用的是十年前的老设备，能耗偏高，同意{d}面谈。",
    "致电{c}，确认贵司今年有产线扩建计划，约好{d}下午拜访。",
    "{c}您好，上次展会上您留了名片，想了解一下贵司目前{p}的使用情况。",
    "电话联系{c}，对方对{p}有兴趣，要求先发资料，约{d}再通电话。",
]
ARRANGE = [
    "{c}您好，{d}下午两点我和技术同事一起过去，您看方便吗？",
    "{c}，拜访时间定在{d}上午十点，我提前十分钟到贵司前台。",
    "{c}您好，附件是我司简介和{p}的产品手册，见面前您可以先看看。",
    "{c}，明天见面大概需要一个小时，主要想听听贵司产线的情况。",
    "好的{c}，地址收到，{d}见。",
]
VISIT = [
    "拜访{c}，参观了二号车间，现有{p}运行八年，故障停机较多，客户关注能耗和交期。",
    "上门拜访：与{c}及设备科长交流约90分钟，客户预算约{budget}万，希望{month}月底前完成安装。",
    "拜访纪要：{c}介绍了今年扩产计划，对我方{p}感兴趣，要求提供同行业案例。",
    "现场调研压缩空气系统，记录了三台机组的运行参数，{c}同意提供近三个月电费数据。",
    "拜访{c}，演示了远程监控平台，客户对数据报表功能评价不错，异议主要在价格。",
    "拜访{c}，与生产、设备两个部门开了碰头会，初步确认需求范围和验收标准。",
]
THANKS = [
    "{c}，感谢今天的时间！根据您提到的需求，我整理了方案（附件），如有疑问随时联系我，期待下次沟通。",
    "{c}您好，感谢您今天抽空接待，会上提到的能耗测算表我明天上午发您邮箱。",
    "{c}，谢谢今天的交流。您关心的交期问题，我已和工厂确认，可以在{d}前发货。",
    "感谢{c}今天的热情接待！会议纪要和报价单已发到您邮箱，请查收。",
    "{c}您好，今天提到的同行业节能案例已整理好，附件请查收，有任何问题欢迎随时联系。",
]
FOLLOW_CALL = [
    "电话跟进{c}，了解对方案的初步想法，客户表示还在内部评审，下周给答复。",
    "{c}，我是恒拓的{me}，想了解一下您对我们方案的初步想法，是否有需要补充的地方？",
    "电话回访：{c}对报价有顾虑，我解释了分期付款方式，客户同意再考虑。",
    "致电{c}确认技术参数，客户补充了车间的用气量数据。",
    "跟进电话：{c}说老板出差，决策要等到{d}以后。",
    "电话跟进{c}，客户已把方案转给财务测算，约{d}再沟通。",
]
QUOTE = [
    "{c}您好，附件是{p}的正式报价，含税单价{price}元，有效期至{d}。",
    "{c}，根据贵司的产能需求，我们重新核算了{p}的配置，详细清单和报价见附件。",
    "{c}您好，按您的要求调整了付款方式：预付30%，到货验收后付60%，质保金10%。",
    "{c}，合同草稿已发您邮箱，请法务同事审阅，有修改意见随时告诉我。",
    "{c}您好，补充报价已发出：备件包和两年维保单独列项，方便您比价。",
]
SPIN = [
    "{c}，想请教一下，贵司目前的生产效率大概是多少？",
    "{c}，在供应链管理中，是否经常遇到库存积压的问题？",
    "{c}，这个问题是否导致资金周转压力增加？",
    "{c}，如果能将库存周转率提升20%，对贵司成本控制会有多大帮助？",
    "{c}，现在车间的空压机每天大概运行多少小时？",
    "{c}，贵司今年在设备更新上的预算大概是什么范围？",
    "{c}，这次选型除了价格，您最看重的是哪几个方面？",
    "请问{c}，目前设备停机一次大概会影响多少产量？",
]
GENERAL = [
    "{c}，样机已经安排发出，预计{d}到货，物流单号稍后发您。",
    "{c}您好，技术方案第二版已更新，主要调整了管路布局。",
    "{c}，下周三我们在苏州有一场用户交流会，欢迎您和同事参加。",
    "{c}，您上次问的备件价格表已发到您邮箱。",
    "{c}，培训时间定在{d}，请安排两到三名操作人员参加。",
    "{c}，上周的安装调试已经完成，设备运行数据正常，请您有空确认一下验收单。",
    "{c}，这是我们为贵司做的能耗测算，按每天运行16小时估算，年节电约18万度。",
    "{c}，本月的行业报告已整理好，给您发一份参考。",
    "{c}，发货单已盖章扫描发您，原件随货。",
    "{c}您好，巡检报告已出，两台机组滤芯需要在{d}前更换。",
]
INBOUND = [
    "好的，收到。",
    "方案我们内部再讨论一下，下周给你答复。",
    "报价有点高，能不能再优惠一些？",
    "麻烦把设备的能耗测试报告发我一份。",
    "我们老板想看看同行业的案例。",
    "交期最快能到什么时候？",
    "下周三上午可以，来之前打个电话。",
    "付款方式能不能改成三个月账期？",
    "资料收到了，技术那边在看。",
    "合同我们法务改了两处，稍后发你。",
]
CANCEL_IN = [
    "不好意思，明天临时有会，拜访先取消吧。",
    "{me}，周四的见面取消一下，最近太忙了。",
    "明天的拜访取消，改天再约。",
    "抱歉，老板临时出差，下午的会面取消。",
]
CANCEL_REPLY = [
    "收到，理解您的时间安排，我们再约其他时间，您看下周二或周四是否方便？",
    "好的，没问题。那我们改到周四下午可以吗？",
    "收到{c}，您先忙，下周一或周三上午哪天方便我再过去？",
]
NOT_NEEDED_IN = [
    "我们今年暂时不需要，有需要再联系你。",
    "谢谢，暂时不需要了，预算被砍了。",
]
NOT_NEEDED_REPLY = "好的{c}，理解，已记录，一两个月后我再给您发一些行业资讯。"
AFTER_QUIET = "{c}您好，好久不联系，我们新出了一版节能方案，给您发一份参考，有需要随时找我。"
INTERNAL = [
    "李工，{co}那边要一份能耗测试报告，麻烦周三前发我。",
    "钱总，{co}的报价需要特批九二折，审批单已提交。",
    "周会计，{co}的首付款已到账，请帮忙确认一下。",
    "技术部：{co}下周要做现场测量，需要一名工程师同行。",
    "{co}的合同已盖章寄回，请法务归档。",
    "李工，{co}的管路图纸客户确认了，可以安排排产。",
]
INTERNAL_RECIPIENTS = ["技术部 李工", "销售总监 钱总", "财务部 周会计", "技术部", "法务部", "技术部 李工"]
THIRD_PARTY = [
    "德邦物流您好，请安排{d}上午送货到{city}工业园，货物两托，收货时间八点到十一点。",
    "顺丰调度：样机一台，{d}发往{city}，请上门取件，取件地址恒拓智能一号仓。",
]
THIRD_PARTY_RECIPIENTS = ["德邦物流调度", "顺丰速运调度"]

# Hard non-violations: look-alikes, negations and quoted policy text that must not be reported.
HARD_OUT = [
    "我们不能保证零故障，但过去一年的故障率在0.3%以下，报告附后。",
    "公司规定不得说“零故障”，我们用实测数据说话。",
    "{c}，最近项目进展顺利吗？",
    "这是我们能给的最终报价，含税含运费。",
    "最少起订量是20台，最后一批4月底发货。",
    "我第一时间把报价发给您。",
    "第一次合作，我帮您申请了首单九五折。",
    "给您发一份我们定制的红包封面，祝新年快乐！",
    "您刚才是不是误点了微信红包？我这边没领，已退回。",
    "合同约定返点，开票入账，按季度结算。",
    "代理商佣金按合同约定比例支付，走对公账户入账。",
    "我百分之百确认一下，您要的是380V的机型对吧？",
    "您是否需要我们派工程师到现场测量？",
    "请问您需要几台？我按数量给您算阶梯价。",
    "您最好提前一周确认交期，这样排产最稳妥。",
    "这款压力传感器单价666元，含校准证书。",
    "请在{d}前缴纳投标保证金5万元。",
    "我们承诺工作日2小时内响应，48小时内给出处理方案。",
    "MES软件是永久授权，不按年收费。",
    "我们是国家级高新技术企业，证书复印件已发您邮箱。",
    "我相信佛山工厂能按期交货。",
    "您住哪个酒店？我明天八点去接您。",
    "受中美关系影响，进口芯片交期可能延长到12周。",
    "这套方案对您的好处是每年能省下约30万电费。",
    "上次是我的失误，保证下次不会再出错了。",
    "我整理了同行业的最佳实践，供您参考。",
    "我们会最先进行安装调试，再做操作培训。",
    "我帮您申请最优惠的价格，明天回复您。",
    "您把遇到的所有问题列个清单，我们逐条回复。",
    "出厂前100%全检，检测报告随货附上。",
    "前30天零风险试用，不满意可以退回。",
    "我们不能保证永远不涨价，原材料波动太大。",
    "现在下单是备货的最佳时机，三月底前价格不变。",
    "您需要的话，我们可以安排一次免费试用。",
    "我们只送印有公司LOGO的笔记本，不送购物卡。",
]
HARD_INTERNAL = [
    "我觉得你需要先跟技术确认一下参数再报价。",
    "差旅报销款已经转到你个人卡上了。",
    "客户暗示要回扣被我当场拒绝了。",
    "公司三八节给员工发放购物卡作为员工福利。",
    "提醒大家：广告法规定不得使用“国家级”“最佳”等用语，宣传册已修改。",
]

# --------------------------------------------------------------------------
# Violations, by where they are written
# --------------------------------------------------------------------------
VIOL_OUT = [
    # R1 exaggeration
    V("我们这款空压机零故障，用过的客户都说好。", "conduct.zero-failure"),
    V("说句实在话，我们的设备永远不会出故障。", "conduct.zero-failure"),
    V("这条包装线零 故 障运行，效率比您现在的高一倍。", "conduct.zero-failure"),
    V("这个节能模块百分之百有效，装上电费马上降。", "conduct.absolute-efficacy"),
    V("换我们的冷干机，除水效果立竿见影。", "conduct.absolute-efficacy"),
    V("MES和贵司现在的金蝶系统100%兼容，不用二次开发。", "conduct.absolute-efficacy"),
    V("我们的价格是全网最低的，您可以随便比。", "conduct.absolute-superlative"),
    V("我们是行业第一品牌，华东三十多家工厂在用。", "conduct.absolute-superlative"),
    V("我们用的是最先进的永磁变频技术。", "conduct.absolute-superlative"),
    V("行业ＮＯ．１的品牌，值得您信赖。", "conduct.absolute-superlative"),
    V("这是国家级品质的产品，您放心采购。", "conduct.advertising-law-terms"),
    V("给您推荐最佳方案：两台75kW变频机组。", "conduct.advertising-law-terms"),
    V("这是全球首款带远程诊断的干燥机。", "conduct.advertising-law-terms"),
    # R2 overpromise
    V("您放心，设备有任何问题我们24小时内全部解决。", "conduct.resolve-everything"),
    V("签约后我们24小时内解决所有问题。", "conduct.resolve-everything"),
    V("保证4小时内修好，绝对耽误不了您生产。", "conduct.resolve-everything"),
    V("用了我们的系统，保证您百分之百满意。", "conduct.guarantee-outcome"),
    V("这批设备您上了包您赚钱。", "conduct.guarantee-outcome"),
    V("节能改造保证一年内回本。", "conduct.guarantee-outcome"),
    V("您是老客户，我们承诺永远不涨价。", "conduct.perpetual-promise"),
    V("这台主机终身保修，坏了随时找我。", "conduct.perpetual-promise"),
    # R3 bribery (said to the customer)
    V("{c}，这单成了给您5个点的回扣。", "conduct.kickback"),
    V("订单签下来给您个人返3个点。", "conduct.kickback"),
    V("返点我直接返到你个人账户，不走公账。", "conduct.off-book-payment"),
    V("这笔钱打到您私人卡上，公司那边不会知道。", "conduct.off-book-payment"),
    V("我准备了几张加油卡，下次拜访带给您。", "conduct.gift-card-cash"),
    V("等合同签了给您包个大红包。", "conduct.gift-card-cash"),
    V("这单您帮忙推一下，我们肯定意思一下。", "conduct.implied-favor"),
    V("{c}您多关照，我们不会亏待您的。", "conduct.implied-favor"),
    # R5 sensitive topics and slang
    V("{c}，您怎么看最近的美国大选？", "conduct.politics"),
    V("现在中美关系这么紧张，您觉得会不会打起来？", "conduct.politics"),
    V("特朗普那个人说话太不靠谱了。", "conduct.politics"),
    V("{c}，您有宗教信仰吗？", "conduct.religion"),
    V("您信佛吗？我认识一个特别灵的师父。", "conduct.religion"),
    V("周末我带您去教堂做礼拜吧。", "conduct.religion"),
    V("{c}，您一个月工资有多少啊？", "conduct.customer-privacy"),
    V("您结婚了吗？", "conduct.customer-privacy"),
    V("您上次住院是得了什么病？", "conduct.customer-privacy"),
    V("老铁，这个价格真的很实在了。", "conduct.slang"),
    V("亲，今天下单包邮哦~", "conduct.slang"),
    V("这款新机真的yyds！", "conduct.slang"),
    V("交期妥妥的，您放心。", "conduct.slang"),
    V("卧槽，这个价格也太低了吧。", "conduct.vulgar-language"),
    V("竞品那套说法纯属扯淡。", "conduct.vulgar-language"),
    # R6 assumption
    V("{c}，我认为您需要一套全自动的分拣线。", "conduct.assumed-needs-opinion"),
    V("根据我的经验，我判断你们需要升级到二代机型。", "conduct.assumed-needs-opinion"),
    V("我們認為貴公司應該換掉現在的空壓機。", "conduct.assumed-needs-opinion"),
    V("您肯定需要这套节能方案。", "conduct.assumed-needs-certainty"),
    V("您需要的就是我们这款高速包装机。", "conduct.assumed-needs-certainty"),
    V("你们 一定 要上 自动化。", "conduct.assumed-needs-certainty"),
    # two rules in one message
    V("我们的设备零故障，售后随叫随到。", "conduct.zero-failure", "conduct.resolve-everything"),
    V("亲，我们是全网最低价，包您满意。", "conduct.slang", "conduct.absolute-superlative", "conduct.guarantee-outcome"),
]
VIOL_INTERNAL = [
    V("采购科长那边要点茶水费，你先垫上。", "conduct.kickback"),
    V("回扣按老规矩走，别写在邮件里。", "conduct.kickback"),
    V("差价部分账外处理，跟客户说好了。", "conduct.off-book-payment"),
    V("节前给张科长塞了个现金红包。", "conduct.gift-card-cash"),
    V("中秋节给王总送两张2000元的购物卡。", "conduct.gift-card-cash"),
    V("他妈的物流又延误了，客户那边怎么交代。", "conduct.vulgar-language"),
]
VIOL_CANCEL_REPLY = [
    V("{c}，为什么取消明天的拜访呀？", "conduct.ask-cancel-reason"),
    V("怎么突然取消了？是不是对我们方案不满意？", "conduct.ask-cancel-reason"),
    V("能告诉我取消的原因吗？", "conduct.ask-cancel-reason"),
    V("怎么又改期了？上周也是这样。", "conduct.ask-cancel-reason"),
    V("為甚麼取消會面？我們都準備好了。", "conduct.ask-cancel-reason"),
]


def fill(template, c, day=None, **extra):
    day = day or dt.date(2024, 3, 15)
    values = {
        "c": c["addr"], "me": c["rep"], "p": c["product"], "co": c["short"], "city": c["city"],
        "d": cn_date(next_workday(day, rng.randrange(2, 6))),
        "budget": rng.choice([35, 50, 60, 80, 120, 150]), "month": min(day.month + 2, 12),
        "price": rng.choice(["86,000", "128,500", "235,000", "46,800", "312,000"]),
    }
    values.update(extra)
    return template.format(**values)


# --------------------------------------------------------------------------
# messages.jsonl: per-customer timelines over Feb–Apr 2024
# --------------------------------------------------------------------------
events = []   # dicts: time, customer, channel, direction, recipient_type, recipient, text, kind


def ev(t, c, channel, direction, text, kind, recipient_type="customer", recipient=None):
    events.append({"time": t, "c": c, "channel": channel, "direction": direction, "recipient_type": recipient_type,
                   "recipient": recipient if recipient is not None else (c["contact"] if recipient_type == "customer" else ""),
                   "text": text, "kind": kind, "rules": ()})


def out_dir(channel):
    if channel == "电话":
        return rng.choice(["outbound", "呼出", "呼出"])
    return "outbound"


def in_dir(channel):
    if channel == "电话":
        return "呼入"
    return rng.choice(["inbound", "inbound", "in"])


mainland = [c for c in customers if not c["hk"]]
msg_customers = mainland[:26]
for n, c in enumerate(msg_customers):
    start = dt.date(2024, 2, 1) + dt.timedelta(days=rng.randrange(0, 50))
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    scenario = n % 11
    visit_day = next_workday(start, rng.randrange(2, 5))
    t = work_time(start)
    ev(t, c, "电话", out_dir("电话"), fill(rng.choice(CALL_INTRO), c, start, d=cn_date(visit_day)), "call")
    day_before = visit_day - dt.timedelta(days=1)
    while day_before.weekday() >= 5:
        day_before -= dt.timedelta(days=1)
    ev(work_time(day_before, 9, 12), c, "微信", "outbound", fill(rng.choice(ARRANGE), c, visit_day, d=cn_date(visit_day)), "arrange")
    if scenario in (3, 6, 10):
        # The customer cancels the visit; the rep answers (offers new times, or asks why).
        t_cancel = work_time(day_before, 13, 17)
        ev(t_cancel, c, "微信", in_dir("微信"), fill(rng.choice(CANCEL_IN), c, visit_day), "cancel_in")
        ev(t_cancel + dt.timedelta(minutes=rng.randrange(5, 40)), c, "微信", "outbound",
           fill(rng.choice(CANCEL_REPLY), c, visit_day), "cancel_reply")
        visit_day = next_workday(visit_day, 4)
    vt = work_time(visit_day, 10, 16)
    ev(vt, c, "上门拜访", "outbound", fill(rng.choice(VISIT), c, visit_day), "visit")
    # Thank-you SMS / e-mail: within 24 h (same evening or next morning), a few late.
    late = scenario == 5
    if late:
        thanks_t = dt.datetime.combine(visit_day + dt.timedelta(days=rng.randrange(2, 4)), dt.time(rng.randrange(9, 17), 10))
    elif rng.random() < 0.5:
        thanks_t = dt.datetime.combine(visit_day, dt.time(rng.randrange(17, 21), rng.choice([5, 20, 35, 50])))
    else:
        thanks_t = dt.datetime.combine(visit_day + dt.timedelta(days=1), dt.time(rng.randrange(8, vt.hour), rng.choice([0, 15, 30, 45])))
    ch = rng.choice(["短信", "邮件"])
    ev(thanks_t, c, ch, "outbound", fill(rng.choice(THANKS), c, visit_day), "thanks")
    # Phone follow-up within 3 days when the customer has not answered (one late).
    gap = rng.randrange(4, 7) if scenario == 7 else rng.randrange(1, 3)
    call_t = work_time(visit_day + dt.timedelta(days=gap))
    ev(call_t, c, "电话", out_dir("电话"), fill(rng.choice(FOLLOW_CALL), c, call_t.date()), "follow_call")
    if scenario == 9:
        # Several calls in one day (harassment check, not labelled here).
        ev(call_t + dt.timedelta(hours=2), c, "电话", out_dir("电话"), fill(rng.choice(FOLLOW_CALL), c, call_t.date()), "follow_call")
    if scenario in (2, 8):
        # Customer says 暂时不需要: pause 1–2 months (the scenario-8 rep comes back too early).
        t_in = call_t + dt.timedelta(days=rng.randrange(2, 5), hours=1)
        ev(t_in, c, "微信", in_dir("微信"), rng.choice(NOT_NEEDED_IN), "not_needed")
        ev(t_in + dt.timedelta(minutes=20), c, "微信", "outbound", fill(NOT_NEEDED_REPLY, c), "not_needed_reply")
        back = t_in + dt.timedelta(days=12 if scenario == 8 else rng.randrange(36, 50))
        ev(work_time(back.date()), c, "邮件", "outbound", fill(AFTER_QUIET, c), "after_quiet")
        continue
    # A few more ordinary exchanges, spread over the following weeks.
    t2 = call_t
    for _ in range(rng.randrange(1, 4)):
        t2 = work_time(t2.date() + dt.timedelta(days=rng.randrange(6, 19)))
        if t2.date() > dt.date(2024, 4, 28):
            break
        kind = rng.choice(["spin", "quote", "general", "inbound", "general", "spin"])
        if kind == "inbound":
            ev(t2, c, "微信", in_dir("微信"), rng.choice(INBOUND), "inbound")
        elif kind == "quote":
            ev(t2, c, "邮件", "outbound", fill(rng.choice(QUOTE), c, t2.date()), "quote")
        else:
            ev(t2, c, "微信", "outbound", fill(rng.choice(SPIN if kind == "spin" else GENERAL), c, t2.date()), kind)
    if n % 4 == 0:
        ti = work_time(t2.date() + dt.timedelta(days=1))
        k = rng.randrange(len(INTERNAL))
        ev(ti, c, "微信", "outbound", fill(INTERNAL[k], c), "internal", "internal", INTERNAL_RECIPIENTS[k])
    if n % 9 == 1:
        tt = work_time(t2.date() + dt.timedelta(days=2))
        k = rng.randrange(len(THIRD_PARTY))
        ev(tt, c, "电话", out_dir("电话"), fill(THIRD_PARTY[k], c, tt.date()), "third_party", "third_party", THIRD_PARTY_RECIPIENTS[k])


# Inject violations and hard non-violations into rep-written text.
OUT_KINDS = {"arrange", "thanks", "follow_call", "quote", "spin", "general"}
outbound = [e for e in events if e["kind"] in OUT_KINDS]
rng.shuffle(outbound)
print("eligible outbound:", len(outbound), "injected:", len(VIOL_OUT) + len(HARD_OUT))
cursor = 0
for v in VIOL_OUT:
    e = outbound[cursor]
    cursor += 1
    snippet = fill(v.text, e["c"], e["time"].date())
    replace = e["kind"] in ("spin", "general") and rng.random() < 0.5
    e["text"] = snippet if replace else e["text"] + snippet
    e["rules"] = v.rules
for h in HARD_OUT:
    e = outbound[cursor]
    cursor += 1
    e["text"] = e["text"] + fill(h, e["c"], e["time"].date())
internals = [e for e in events if e["kind"] == "internal"]
extra_internal = VIOL_INTERNAL + HARD_INTERNAL
for i, item in enumerate(extra_internal):
    if i < len(internals):
        e = internals[i]
    else:
        base = internals[i % len(internals)]
        c = msg_customers[(i * 7) % len(msg_customers)]
        ev(work_time((base["time"] + dt.timedelta(days=i + 1)).date()), c, "微信", "outbound", "", "internal", "internal",
           rng.choice(["销售总监 钱总", "销售二组群", "技术部 李工"]))
        e = events[-1]
    text = item.text if isinstance(item, V) else item
    e["text"] = (e["text"] + text) if e["text"] else text
    e["rules"] = item.rules if isinstance(item, V) else ()
cancel_replies = [e for e in events if e["kind"] == "cancel_reply"]
for i, v in enumerate(VIOL_CANCEL_REPLY):
    e = cancel_replies[i]
    e["text"] = fill(v.text, e["c"], e["time"].date())
    e["rules"] = v.rules

# Keep the log inside Feb–Apr 2024.
assert all(dt.datetime(2024, 2, 1) <= e["time"] < dt.datetime(2024, 4, 30) for e in events if e["rules"])
events = [e for e in events if e["time"] < dt.datetime(2024, 4, 30)]
events.sort(key=lambda e: (e["time"], e["c"]["id"]))
messages_path = "corpus/messages.jsonl"
lines = []
for i, e in enumerate(events, 1):
    mid = f"MSG-2024-{i:04d}"
    row = {"id": mid, "customer_id": e["c"]["id"], "timestamp": fmt_ts(e["time"]), "channel": e["channel"],
           "direction": e["direction"], "recipient_type": e["recipient_type"], "recipient": e["recipient"],
           "rep": e["c"]["rep"], "text": e["text"]}
    lines.append(json.dumps(row, ensure_ascii=False))
    label(messages_path, mid, "messages", "text", e["rules"])

# --------------------------------------------------------------------------
# messages-hk.csv: Hong Kong branch, Traditional Chinese
# --------------------------------------------------------------------------
hk = [c for c in customers if c["hk"]]
HK_ROWS = [
    # (customer index, month, day, hh:mm, channel, direction, recipient_type, text, rules)
    (0, 2, 19, "10:30", "電話", "呼出", "customer", "陳生您好，我是恒拓香港分公司的同事，想約您下星期見面介紹新款空壓機。", ()),
    (0, 2, 22, "15:00", "上門拜訪", "outbound", "customer", "拜訪陳生，參觀貨倉，現有兩台舊空壓機，客戶關注電費及保養成本。", ()),
    (0, 2, 23, "09:40", "郵件", "outbound", "customer", "陳生，多謝昨天抽空接待！方案及報價已附上，如有疑問隨時聯絡我。", ()),
    (0, 3, 4, "11:15", "微信", "outbound", "customer", "陳生，我們的設備絕對不會出任何故障，請放心。", ("conduct.zero-failure",)),
    (1, 2, 26, "14:20", "電話", "呼出", "customer", "李小姐您好，想了解一下貴司今年的設備更新計劃。", ()),
    (1, 3, 1, "16:05", "微信", "inbound", "customer", "明天的會面取消，老闆臨時要開會。", ()),
    (1, 3, 1, "16:30", "微信", "outbound", "customer", "為甚麼取消明天的會面？我們都準備好了。", ("conduct.ask-cancel-reason",)),
    (1, 3, 7, "10:00", "上門拜訪", "outbound", "customer", "拜訪李小姐，介紹伺服系統，客戶要求提供本地維修點資料。", ()),
    (2, 3, 5, "09:30", "微信", "outbound", "customer", "黃經理，報價單已更新，有效期至三月底。", ()),
    (2, 3, 12, "17:45", "微信", "outbound", "customer", "黃經理，回扣照舊打到你私人戶口。", ("conduct.kickback", "conduct.off-book-payment")),
    (2, 3, 14, "11:00", "電話", "呼出", "customer", "致電黃經理確認交貨時間，客戶同意四月第二週收貨。", ()),
    (3, 3, 8, "15:30", "微信", "outbound", "customer", "周生，我們保證二十四小時內解決所有問題。", ("conduct.resolve-everything",)),
    (3, 3, 11, "10:10", "微信", "inbound", "customer", "收到，我再同老闆商量一下。", ()),
    (3, 3, 15, "14:00", "微信", "outbound", "customer", "周生，我們不能保證零故障，但會提供備用機，停機時間可以減到最少。", ()),
    (4, 3, 18, "10:45", "電話", "呼出", "customer", "何太您好，上次展會見過面，想跟進一下包裝線的需求。", ()),
    (4, 3, 20, "16:20", "微信", "outbound", "customer", "何太，這款是全港最平的，行業第一。", ("conduct.absolute-superlative",)),
    (4, 3, 22, "09:15", "微信", "outbound", "customer", "何太，公司規定不得說「零故障」，我們用實測數據說話，報告已發您電郵。", ()),
    (5, 3, 25, "11:30", "上門拜訪", "outbound", "customer", "拜訪林經理，了解生產線佈局，客戶第一季度產量增長百分之十五。", ()),
    (5, 3, 26, "10:00", "短信", "outbound", "customer", "林經理，多謝今天的時間，會議紀要稍後發您郵箱。", ()),
    (5, 4, 2, "15:40", "微信", "outbound", "customer", "林經理，您結婚了嗎？", ("conduct.customer-privacy",)),
    (6, 4, 3, "10:20", "微信", "outbound", "customer", "吳生，我認為您需要升級到新版本的監控系統。", ("conduct.assumed-needs-opinion",)),
    (6, 4, 8, "14:10", "微信", "outbound", "customer", "吳生，合約約定返點，開票入賬，每季對賬一次。", ()),
    (7, 4, 9, "09:50", "電話", "呼出", "customer", "致電鄭經理，確認倉庫改造的時間表，客戶希望五月前完成。", ()),
    (7, 4, 12, "16:00", "微信", "inbound", "customer", "下星期二下午可以，你第一時間把圖紙發過來。", ()),
    (7, 4, 12, "16:25", "微信", "outbound", "customer", "好的鄭經理，圖紙今晚發您，星期二下午兩點見。", ()),
]
hk_path = "corpus/messages-hk.csv"
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(["消息编号", "客户编号", "时间", "渠道", "方向", "接收方类型", "接收方", "销售", "内容"])
hk_contacts = ["陳志明", "李嘉欣", "黃國強", "周永康", "何美玲", "林家豪", "吳德華", "鄭麗珊"]
for i, (ci, mo, day, hm, ch, direction, rtype, text, rules) in enumerate(HK_ROWS, 1):
    c = hk[ci]
    rid = f"HK-2024-{i:03d}"
    w.writerow([rid, c["id"], f"2024/{mo}/{day} {hm}", ch, direction, rtype, hk_contacts[ci], c["rep"], text])
    label(hk_path, rid, "messages", "text", rules)
hk_csv = buf.getvalue()

# --------------------------------------------------------------------------
# followups.csv: Template 1 follow-up records
# --------------------------------------------------------------------------
NEEDS = [
    "需要一套能提升生产效率的设备，预算50万以内，要求3个月内安装",
    "现有空压机能耗高，希望改造后年电费下降15%以上",
    "新厂房二期投产，需配套两台75kW变频空压机及冷干机",
    "希望实现车间设备联网，生产数据自动上报MES",
    "包装工序人工多，计划上一条自动包装线，日产能8000箱",
    "1. 更换老旧伺服驱动器\n2. 增加远程监控\n3. 操作人员培训",
    "需要视觉检测替代人工目检, 缺陷漏检率要求低于0.5%",
    "仓库搬运需要3台AGV小车, 与现有WMS对接",
    "余热回收用于员工宿舍热水，预算约30万",
    "客户要求设备零故障运行，希望我们提供历史故障率数据",
    "预算审批中，先做能耗测评，再定改造范围",
    "希望供应商能提供7×24小时远程技术支持",
]
OBJECTIONS = [
    "对设备能耗有顾虑，担心后期成本高",
    "价格比竞品高约10%，需要说明差异",
    "担心交期赶不上5月投产",
    "对国产伺服的稳定性有疑虑",
    "付款方式希望3个月账期",
    "现有供应商关系较好，切换成本高",
    "担心售后响应慢，本地没有服务网点",
    "暂无明确异议，等待内部评审",
    "客户担心中美关系影响进口件供应",
    "老板认为MES投入大, 回报周期不清楚",
]
COMMITMENTS = [
    "3月20日前提供车间尺寸及详细产能数据",
    "下周内部评审后答复",
    "提供近三个月电费账单",
    "安排设备科长参加技术交流",
    "4月初确认预算",
    "同意安排一次现场试机",
    "把我方方案提交总经理办公会",
    "暂无",
]
NEXT_CONTENT = [
    "发送设备能耗测试报告（附同行业节能案例）",
    "提交正式报价及技术方案",
    "电话了解客户对方案的初步想法",
    "安排技术部现场测量管路",
    "邀请客户参加苏州用户交流会",
    "发送合同草稿，跟进法务意见",
    "确认试机时间和参与人员",
    "1. 发送修改后的报价\n2. 约总经理面谈",
    "整理会议纪要发客户确认",
    "推送本月行业报告, 保持联系",
]
ASSISTANCE = [
    "技术部支持提供设备安装方案初稿",
    "需财务测算分期付款方案",
    "需技术部出具能耗对比报告",
    "需要售后部确认本地服务网点",
    "需销售总监审批特价",
    "无",
    "需法务审核合同条款",
]
CHANNELS_FU = ["上门拜访", "上门拜访", "电话", "微信", "邮件"]

FU_VIOLATIONS = [
    # (field, text, rules)
    ("next_followup_content", "再次拜访，向客户强调设备零故障，争取本周签约", ("conduct.zero-failure",)),
    ("next_followup_content", "告诉王总签约后24小时内解决所有问题", ("conduct.resolve-everything",)),
    ("next_followup_content", "送两张京东E卡给采购经理，推动定标", ("conduct.gift-card-cash",)),
    ("next_followup_content", "电话问清楚为什么取消拜访", ("conduct.ask-cancel-reason",)),
    ("next_followup_content", "向客户说明我们是国内唯一一家能做到0.01mm精度的厂家", ("conduct.absolute-superlative",)),
    ("next_followup_content", "确认返点打到对方个人账户的方式", ("conduct.off-book-payment",)),
    ("next_followup_content", "承诺客户价格永远不变，促成年度框架协议", ("conduct.perpetual-promise",)),
    ("next_followup_content", "1. 发送报价\n2. 跟采购说好，事成之后好处少不了", ("conduct.implied-favor",)),
    ("assistance_needed", "需财务协助走账外返点", ("conduct.off-book-payment",)),
    ("assistance_needed", "申请好处费两万元", ("conduct.kickback",)),
    ("needs", "客户希望签约后私下返点给经办人", ("conduct.off-book-payment",)),
    ("objections", "采购经理暗示要回扣, 否则不推荐我们", ("conduct.kickback",)),
    ("objections", "客户最近离婚，情绪不好，暂缓推进", ("conduct.customer-privacy",)),
    ("needs", "王总信佛，下次拜访带一串佛珠", ("conduct.religion",)),
    ("customer_commitment", "收到购物卡后推动内部评审", ()),   # filled below as a violation
]
# The commitment line above mentions a card without a giving verb; make it explicit.
FU_VIOLATIONS[-1] = ("customer_commitment", "采购经理同意定标，我方给他准备一张5000元购物卡", ("conduct.gift-card-cash",))
FU_HARD = [
    ("next_followup_content", "向客户说明不能保证零故障，提供近一年故障率数据"),
    ("next_followup_content", "按公司规定不得承诺“24小时内解决所有问题”，只承诺2小时响应"),
    ("next_followup_content", "第一时间发送修改后的报价"),
    ("next_followup_content", "改约下周二或周四拜访，不追问取消原因"),
    ("assistance_needed", "合同约定返点，开票入账，请财务按季度结算"),
    ("assistance_needed", "代理商佣金按合同入账，请财务核对"),
    ("next_followup_content", "给客户寄定制红包封面和印LOGO的笔记本"),
    ("next_followup_content", "确认第一季度的交付数量和最终验收时间"),
    ("needs", "客户希望了解是否需要增加一台备用机"),
    ("objections", "客户担心中美关系影响进口件交期"),
]

fu_path = "corpus/followups.csv"
fu_rows = []
fu_customers = [c for c in mainland]
for i in range(1, 121):
    c = fu_customers[(i * 5) % len(fu_customers)] if i > 52 else fu_customers[i - 1]
    day = dt.date(2024, 2, 1) + dt.timedelta(days=rng.randrange(0, 85))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start_h = rng.randrange(9, 17)
    start_m = rng.choice([0, 30])
    dur = rng.choice([30, 45, 60, 90])
    start = dt.datetime(day.year, day.month, day.day, start_h, start_m)
    end = start + dt.timedelta(minutes=dur)
    contact_time = f"{day.year}年{day.month}月{day.day}日{start:%H:%M}-{end:%H:%M}"
    late = i % 13 == 0
    if late:
        logged = end + dt.timedelta(hours=rng.randrange(26, 72), minutes=rng.randrange(0, 59))
    else:
        logged = end + dt.timedelta(minutes=rng.randrange(10, 300))
        if logged.hour >= 22 or logged.date() > end.date():
            # Entered the next morning, still inside 24 hours.
            logged = dt.datetime.combine(end.date() + dt.timedelta(days=1), dt.time(rng.randrange(8, 10), rng.randrange(0, 60)))
    logged_text = logged.strftime("%Y-%m-%d %H:%M") if i % 7 else f"{logged.year}/{logged.month}/{logged.day} {logged:%H:%M}"
    nxt = next_workday(day, rng.randrange(1, 6))
    nxt_text = f"{nxt.year}年{nxt.month}月{nxt.day}日" if i % 3 else nxt.isoformat()
    row = {
        "id": f"FU-2024-{i:04d}", "customer_id": c["id"], "customer_name": c["name"], "contact_name": c["contact"],
        "contact_title": c["title"], "contact_time": contact_time, "channel": rng.choice(CHANNELS_FU),
        "needs": rng.choice(NEEDS), "objections": rng.choice(OBJECTIONS), "customer_commitment": rng.choice(COMMITMENTS),
        "rep": c["rep"], "next_followup_time": nxt_text, "next_followup_content": rng.choice(NEXT_CONTENT),
        "assistance_needed": rng.choice(ASSISTANCE), "logged_at": logged_text, "rules": {},
    }
    fu_rows.append(row)

slots = list(range(len(fu_rows)))
rng.shuffle(slots)
for (field, text, rules), slot in zip(FU_VIOLATIONS, slots):
    fu_rows[slot][field] = text
    fu_rows[slot]["rules"][field] = rules
for (field, text), slot in zip(FU_HARD, slots[len(FU_VIOLATIONS):]):
    fu_rows[slot][field] = text

FU_HEADERS = ["记录编号", "客户编号", "客户名称", "联系人", "职务", "沟通时间", "沟通方式", "需求描述", "异议点", "客户承诺",
              "跟进人", "跟进时间", "跟进内容", "需协助事项", "录入时间"]
FU_KEYS = ["id", "customer_id", "customer_name", "contact_name", "contact_title", "contact_time", "channel", "needs",
           "objections", "customer_commitment", "rep", "next_followup_time", "next_followup_content", "assistance_needed",
           "logged_at"]
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(FU_HEADERS)
for row in fu_rows:
    w.writerow([row[k] for k in FU_KEYS])
    for field, rules in row["rules"].items():
        label(fu_path, row["id"], "followups", field, rules)
fu_csv = buf.getvalue()

# --------------------------------------------------------------------------
# complaints.csv: Template 3 complaint records (contact details masked)
# --------------------------------------------------------------------------
COMPLAINTS = [
    ("订单号20240308的货物延迟2天到货，导致客户车间停线半天，客户要求赔偿",
     "物流供应商遇暴雨运输延误；未提前预警客户（内部流程漏洞）",
     "1.当日补发货物（加急顺丰，运费由我方承担）；2.赠送500元代金券（下次使用）",
     "接受处理方案，对代金券表示感谢，后续将继续合作",
     "1.建立物流风险预警机制（恶劣天气提前24小时通知客户）；2.增加备用物流供应商", ()),
    ("新装空压机运行两周后频繁报警停机",
     "现场电压波动大，保护参数设置偏保守",
     "工程师次日上门调整参数并加装稳压器，费用由我方承担",
     "问题已解决，要求后续一个月每周巡检一次",
     "安装前增加电网质量检测项", ()),
    ("销售承诺的培训一直没有安排",
     "交接时漏记培训事项",
     "3月28日安排两天现场培训，并补发操作视频",
     "满意",
     "合同交付事项录入CRM并设提醒", ()),
    ("发票开错抬头，无法入账",
     "开票信息录入错误",
     "作废重开，快递当天寄出",
     "已收到新发票",
     "开票前与客户书面确认开票信息", ()),
    ("设备噪音超过合同约定的72分贝",
     "隔音罩安装不到位",
     "重新安装隔音罩，复测68分贝",
     "认可复测结果",
     "安装验收增加噪音测试记录", ()),
    ("客户反映报价单与合同价格不一致",
     "报价版本管理混乱，发了旧版本",
     "按较低价格执行，向客户书面致歉",
     "接受",
     "报价单统一在系统内生成并编号", ()),
    ("售后电话两次无人接听",
     "值班表未更新",
     "售后主管当天回电并上门处理",
     "基本满意，希望提高响应速度",
     "更新值班表，400热线转接到值班手机", ()),
    ("MES系统升级后报表数据缺失三天",
     "升级脚本遗漏历史数据迁移",
     "从备份恢复数据，补发三天报表",
     "数据已核对无误",
     "升级前在测试环境完整演练", ()),
    ("客户投诉销售人员在群里频繁发广告",
     "销售人员未按客户等级控制推送频率",
     "向客户致歉，停止群内推送",
     "接受道歉",
     "按客户分级标准执行跟进频率，销售主管每月抽查", ()),
    ("配件到货型号不符",
     "仓库拣货错误",
     "当日换货，上门取回错发配件",
     "已换货",
     "出库增加扫码核对", ()),
    # violations written by our side in the resolution / improvement fields
    ("冷干机出水温度不达标，影响后道工序",
     "选型偏小，未考虑夏季高温工况",
     "免费升级为大一号机型，并向客户承诺今后24小时内解决所有问题",
     "接受升级方案",
     "选型时按夏季最高温度核算", ("resolution", ("conduct.resolve-everything",))),
    ("客户认为价格高于市场行情，要求退还差价",
     "同期对其他客户有促销，未同步告知老客户",
     "退还差价，并承诺该客户永远不涨价作为补偿",
     "满意",
     "促销政策同步通知在合同期内的客户", ("resolution", ("conduct.perpetual-promise",))),
    ("客户采购主管投诉交货延误",
     "排产冲突",
     "加急发货，另由销售给采购主管准备两张购物卡平息投诉",
     "接受",
     "排产系统与销售订单打通", ("resolution", ("conduct.gift-card-cash",))),
    ("包装线频繁卡料，客户质疑设备质量",
     "来料尺寸公差超出设备适应范围",
     "调整导轨并更换夹爪，向客户说明我们的设备零故障，问题都出在来料",
     "半信半疑，要求观察一周",
     "售前确认来料规格", ("resolution", ("conduct.zero-failure",))),
    ("AGV小车导航偏移撞到货架",
     "地面标识磨损",
     "重新铺设导航标识，赔偿货架维修费",
     "接受",
     "今后保证所有问题都能当天解决，并每季度巡检导航标识", ("improvements", ("conduct.resolve-everything",))),
    # hard non-violations: negated / quoted claims in resolution and improvement
    ("客户称销售人员说过“零故障”，实际两个月坏了三次",
     "销售人员夸大宣传",
     "向客户说明不能保证零故障，提供备用机一台并延长质保半年",
     "接受",
     "对销售人员进行培训，禁止使用“零故障”“最好”等用语", ()),
    ("客户对验收延期不满",
     "客户现场土建未完成，双方沟通不及时",
     "第一时间召开三方协调会，明确新的验收节点",
     "认可",
     "项目周会纪要同步给客户", ()),
    ("客户投诉维保合同到期未提醒",
     "系统未设置到期提醒",
     "按原价续签一年，不承诺终身保修",
     "接受",
     "合同到期前60天自动提醒", ()),
    ("客户投诉工程师现场抽烟",
     "工程师违反客户现场安全规定",
     "向客户书面道歉，更换驻场工程师",
     "接受",
     "入场前进行客户安全规定培训", ()),
    ("客户反映节能效果未达到方案预期",
     "方案按满负荷测算，实际开机率只有60%",
     "重新测算并出具说明，节能效果与开机率相关，无法百分之百达标",
     "理解",
     "方案中写明测算假设和区间，避免绝对化承诺", ()),
]
COMPLAINANTS = ["刘女士（客服主管）", "王先生（设备科长）", "陈经理（采购部）", "赵女士（生产主管）", "孙先生（总经理助理）",
                "周女士（财务）", "吴先生（厂长）", "郑经理（工程部）"]
cp_path = "corpus/complaints.csv"
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(["客户名称", "投诉时间", "投诉人", "联系方式", "投诉内容", "原因分析", "处理方案", "客户反馈", "改进措施"])
cp_customers = rng.sample(mainland, len(COMPLAINTS))
for pos, ((content, cause, resolution, feedback, improvements, viol), c) in enumerate(zip(COMPLAINTS, cp_customers), 1):
    day = dt.date(2024, 2, 5) + dt.timedelta(days=rng.randrange(0, 80))
    when = f"{day.year}年{day.month}月{day.day}日{rng.randrange(8, 18):02d}:{rng.choice([0, 15, 30, 45]):02d}"
    prefix = rng.choice(["138", "139", "136", "158", "186", "177", "150"])
    masked = f"{prefix}****{rng.randrange(1000, 9999)}"
    w.writerow([c["name"], when, rng.choice(COMPLAINANTS), masked, content, cause, resolution, feedback, improvements])
    if viol:
        label(cp_path, pos, "complaints", viol[0], viol[1])
cp_csv = buf.getvalue()

# --------------------------------------------------------------------------
# customers.csv (GB18030, CRLF)
# --------------------------------------------------------------------------
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(["客户编号", "客户名称", "客户等级", "年采购额", "战略合作", "高增长", "负责人"])
for c in customers:
    w.writerow([c["id"], c["name"], c["tier"], amount_text(c["wan"]), "是" if c["strategic"] else "否",
                "是" if c["growth"] else "否", c["rep"]])
cu_csv = buf.getvalue()

# --------------------------------------------------------------------------
# Write everything
# --------------------------------------------------------------------------


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


write("corpus/customers.csv", cu_csv.encode("gb18030"))
write("corpus/followups.csv", "\ufeff".encode("utf-8") + fu_csv.encode("utf-8"))
write("corpus/messages.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
write("corpus/messages-hk.csv", hk_csv.encode("utf-8"))
write("corpus/complaints.csv", cp_csv.encode("utf-8"))
tsv = "file\trecord_id\tcategory\n" + "".join(f"{f}\t{r}\t{category}\n" for f, r, category in sorted(LABELS))
write("Tests/CorpusExpectations/conduct.tsv", tsv.encode("utf-8"))

counts = {"customers": len(customers), "followups": len(fu_rows), "messages": len(lines), "messages-hk": len(HK_ROWS),
          "complaints": len(COMPLAINTS)}
print("records:", counts, "total", sum(counts.values()))
print("labels:", len(LABELS))
