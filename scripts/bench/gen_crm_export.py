#!/usr/bin/env python3
"""Writes a realistic CRM export of a Chinese B2B sales team (deterministic), to test crmlint as a new user would.

    scripts/bench/gen_crm_export.py --customers 12500 --out /tmp/crm-export [--seed 20240501] [--format csv|xlsx-ready]

writes what 销售易 / 纷享销客 / a Chinese-configured Salesforce or HubSpot export, with
their headers and file names, not the policy's templates:

    客户列表_20240501.csv  customers: 客户级别 A类/B类/C类, 年采购额(万元) as 120.5, 是/否 flags
    跟进记录_20240501.csv  follow-ups: no 客户名称 / 需协助事项 column, 下一步计划 for 跟进内容
    聊天记录_20240501.csv  contact log: calls, IM, e-mail, SMS, meetings, visits, forwards to colleagues
    客诉工单_20240501.csv  complaint tickets (TS-2024-000123)
    LABELS.json           record counts and how many of each violation were injected

--format csv (default): UTF-8 with BOM, CRLF, RFC 4180 quoting (prices like 12,800,
multi-line e-mails and notes), one time format per file. --format xlsx-ready: the same
after a round trip through Excel on Chinese Windows: GB18030, no BOM, times YYYY/M/D H:MM.

The model: an industrial-equipment vendor, contacts 2023-11-01 .. 2024-04-30, exported
2024-05-01 01:30 (a sensible --as-of). Tiers A/B/C 20/35/45 %, matching 年采购额 and the
strategic / high-growth flags. Per customer, a contact day every ~5 / 10 / 15 days, within
the policy's 7 / 14 / 30, moved off weekends; nobody works in the Spring Festival, so some
gaps exceed the limit uninjected (holiday_gap). A day is an outbound opener on the
customer's usual channel (微信 / 企业微信 / 钉钉 / 飞书 / QQ; LINE / WhatsApp and Traditional
Chinese for the ~5 % Taiwan branch), then replies both ways. Visits get a thank-you SMS or
e-mail that evening and a call within 3 days; at most one outbound call a day; after
暂时不需要 the customer is left alone 35-60 days (after a one-line acknowledgement); ~85 %
of contact days are logged within hours. Eager reps contact some busy customers days in
a row: normal business (busy_burst), not a violation.

Violations (about 3 % of messages) concentrate in a few risky reps: exaggeration,
overpromise, bribery, gifts above 200元, sensitive topics, assumptions, 为什么取消, second
calls the same day, late or missing thank-you, no call after a visit, contact in a quiet
period, customer phones sent to third parties, unmasked contacts in 备注, late logs
(录入时间 > 24 h), cadence gaps, abandoned customers with an overdue plan, tier mismatches,
malformed cells. Look-alikes that must not fire are mixed in: 不能保证零故障, 第一批,
最好在…前, gifts within 200元, 138****5678 / x****@163.com in ~40 % of notes, colleagues
given a customer's phone number inside the team.
"""
import argparse
import csv
import datetime as dt
import heapq
import json
import os
import random
import time
from collections import Counter


def L(text):
    return text.split("|")


START, END = dt.date(2023, 11, 1), dt.date(2024, 4, 30)
EXPORTED = dt.datetime(2024, 5, 1, 1, 30)
SPRING = (dt.date(2024, 2, 10), dt.date(2024, 2, 17))  # 2/18 (a Sunday) was a make-up workday
NEW_YEAR_EVE = dt.date(2024, 2, 9)
CADENCE, LIMIT = {"A": 5, "B": 10, "C": 15}, {"A": 7, "B": 14, "C": 30}
GAP = {"A": (12, 25), "B": (20, 40), "C": (35, 60)}
VISIT_P = {"A": 0.0, "B": 0.08, "C": 0.03}
HOURS = [8, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 19, 20]
GIFTS = [300, 500, 800, 1000, 2000]
RATES = [("exaggeration", .011), ("overpromise", .008), ("bribery", .0025),
         ("gift_over_limit", .0025), ("sensitive_topic", .005), ("assumption", .008)]
REGIONS = [("华东", .35, "上海|苏州|无锡|杭州|宁波|南京|合肥|常州"), ("华南", .20, "深圳|东莞|佛山|广州|厦门|中山"),
           ("华北", .15, "北京|天津|青岛|济南|石家庄"), ("华中", .10, "武汉|长沙|郑州"), ("西南", .10, "成都|重庆|昆明"),
           ("东北", .05, "沈阳|大连|长春"), ("台湾分公司", .05, "台北|新北|桃園|新竹|台中|高雄")]
CALLS, ACTIVITY = {"电话", "电话会议"}, {"上门拜访", "展会", "来访", "LINE", "WhatsApp"}
SERVICE = L("客服-周晓梅|客服-孙丽|客服-何俊|售后-冯国强|售后-韩磊|客服主管-郑敏")
COMPLAINTS = {  # 投诉类型: (weight, contents, 处理措施)
    "产品质量": (35, L("{p}运行两周出现异响，要求上门检修。|到货的{p}有一台无法启动，影响投产。|{p}控制面板频繁报警，售后迟迟不来。"), "安排工程师48小时内上门检修"),
    "交付延迟": (25, L("合同约定上月底交货，至今未到，影响生产。|分批发货第二批延误两周，没人主动告知。"), "协调仓库加急发货并每日同步物流"),
    "服务态度": (12, L("售后工程师态度差，问题没解决就走了。|销售答应的资料一直没发，催了也不回。"), "更换对接人员并电话致歉"),
    "频繁来电": (6, L("销售一天打好几次电话，严重影响工作。|已说明暂时不考虑，仍反复来电推销。"), "提醒销售控制联系频率，登记客户沟通偏好"),
    "发票问题": (12, L("发票抬头开错，要求重开。|发票迟迟未开，财务无法付款。"), "重开发票并快递寄出"),
    "价格争议": (10, L("同型号{p}报价比上次高了8%，要求说明。|合同价与报价单不一致。"), "提供价格说明，核对合同并给予小额折让"),
}

CN = dict(
    surname=L("王|李|张|刘|陈|杨|赵|黄|周|吴|徐|孙|胡|朱|高|林|何|郭|马|罗|梁|宋|郑|谢|韩|唐|冯|董"), given=L("伟|芳|娜|敏|静|磊|军|洋|勇|杰|涛|明|超|建国|志强|海燕|晓东|文博|俊杰|国华|立新|红梅|春生|永刚|丽萍|金凤"),
    brand=L("恒达|华瑞|鑫源|宏远|泰丰|金诚|联创|天成|永盛|汇通|瑞丰|博远|众合|德信|海川|明辉|嘉禾|新亚|昌隆|盛元"),
    industry=L("精密机械|电子科技|汽车零部件|新能源科技|化工|食品|包装材料|纺织|医疗器械|智能装备|五金制品|塑胶制品|光电科技|环保科技"),
    suffix=L("有限公司|有限公司|股份有限公司|集团有限公司"), title=L("采购经理|采购总监|总经理|技术总监|设备科长|生产部经理|工程师|财务经理|厂长"),
    product=L("螺杆空压机|变频器|伺服电机|PLC控制柜|工业机器人|激光切割机|数控机床|压力传感器|行星减速机|冷水机组|冷冻式干燥机|皮带输送线"),
    topic=L("确认交期|沟通报价细节|约拜访时间|回访设备使用情况|确认付款进度|了解招标进度|讨论技术方案"),
    out=L("{c}您好，{p}的报价单已发您邮箱，含税单价{x}元，请查收。|{c}，{p}样品已寄出，顺丰单号SF{no}，预计{d}到。"
          "|{c}您好，{d}下午我们技术工程师可以过去做现场勘查，您看方便吗？|附件是{p}的技术参数和两个同行业案例，供您参考。"
          "|交期方面，{p}下单后约{n}周可以发货，如需加急我们内部协调。|请问{p}的安装场地尺寸确认了吗？我们好出布置图。"
          "|{c}您好，想了解一下贵司{p}的采购预算和时间安排，方便时回复我就行。|好的，那我们{d}上午十点开视频会议，会议链接稍后发您。"
          "|发票已开出，快递单号SF{no}，请注意查收。|{c}，合同草稿已发您邮箱，付款条款按上次沟通的写了，请法务审阅。"
          "|您好，贵司上批{p}运行情况怎么样？有问题随时告诉我。|{c}，我们{d}在{city}有个新品技术交流会，欢迎您和技术同事参加。"
          "|收到，我跟工厂确认后今天下班前回复您。|{c}您好，节日快乐！感谢一直以来的支持。|请问您这边选{p}最看重哪几点？能耗、维护还是交期？"
          "|好的，谢谢{c}，有进展我第一时间同步您。|报价有效期到{d}，如需调整请提前告诉我。|{c}您好，样机测试报告已出，数据达标，报告见附件。"),
    inb=L("收到，谢谢。|好的，我们内部讨论一下。|价格还是偏高，能不能再优惠点？|下周再约吧，这周比较忙。|资料已转给技术部了。"
          "|交期能不能提前一周？|可以，{d}下午两点。|合同我们法务在看，有问题再联系你。|上批货有两箱外包装破损，麻烦处理下。"
          "|发票抬头改成我们分公司的，谢谢。|这周出差，回来再说。|报价收到了，还在比价。|技术那边还有几个参数问题，我整理一下发你。|OK|👍|好的，辛苦了"),
    bad=dict(exaggeration=L("我们的{p}零故障，用十年都没问题。|{p}质量行业第一，绝对不会出问题。|百分之百满足贵司所有需求，您放心。"
                            "|这是国家级最高标准的产品，市面上最好的{p}。|我们{p}的能效全国最佳，别家都比不了。"),
             overpromise=L("放心，签约后24小时内解决所有问题。|我保证下周一定到货，绝不延误。|签了年框价格永不上涨。|任何问题我们终身免费上门，随叫随到。"),
             bribery=L("这单成了给您个人返3个点，您看行吗？|事成之后另有一份好处费，您放心。|回扣的事私下说，走我个人账户。|过节给您送两瓶茅台，别客气。"),
             gift_over_limit=L("中秋给您寄了一张{g}元的购物卡，一点心意。|给您准备了价值{g}元的礼盒，周四送过去。|这次拜访给您带了{g}元的京东卡。"),
             sensitive_topic=L("最近中美关系这么紧张，您怎么看？|您信佛吗？我最近也在读经。|听说您家里最近在闹离婚，还好吧？|这价格真是yyds，绝绝子！"),
             assumption=L("我认为您需要升级到{p}旗舰版。|您肯定需要再加两台{p}，不然产能跟不上。|我觉得贵司就是需要我们的整体方案。")),
    benign=L("我们不能保证零故障，但质保期内免费维修，故障率在0.5%左右。|第一批{n}台已发货，剩余部分下周安排。|最好在{d}前确认数量，我们好排产。"
             "|公司规定礼品不超过200元，这次带了定制笔记本，一点心意。|付款方式：预付30%，发货前付70%。|公司规定不得说“零故障”，我们只按合同质保。"),
    mail="主题：{p}相关资料\n{body}\n祝好！\n{r}", quiet=L("暂时不需要，过两个月再联系吧。|这个项目暂时不需要了，预算砍了。"),
    quiet_ack="好的，理解，那我们两个月后再联系您。", greet="{c}，新春快乐！龙年大吉，感谢一直以来的支持！",
    cancel_in=L("这周的拜访先取消吧，临时有个会。|不好意思，明天的见面取消一下，领导出差。"),
    cancel_ok=L("没关系，那改到{d}上午或下午，您看哪个时间方便？|理解，您看下周二或周三哪天方便，我们再过去。"), cancel_bad=L("为什么取消啊？我们都准备好了。|请问为什么突然取消拜访？"),
    thanks=L("{c}您好，感谢您今天抽空接待，会谈纪要稍后发您邮箱，有问题随时联系。—{r}|主题：拜访感谢\n{c}您好：\n感谢您今天抽出时间接待我们，附件是会谈纪要和{p}方案，请查阅。\n祝好！\n{r}"),
    call="通话{m}分{s}秒，{topic}", call_in="客户来电，{topic}", visit="上门拜访：与{c}等{n}人面谈，{topic}。", meeting="会议：{topic}，参会{n}人。",
    laifang="客户来访参观工厂，{topic}。", expo="{city}工业展展台交流，对{p}感兴趣。", recall="补充确认一下刚才说的{topic}",
    internal=L("{col}，{co}的{c}电话{ph}，要{p}技术方案，麻烦你明天联系下。|{col}，转给你一个客户：{c}，{ph}，{co}，需求是{p}。"
               "|帮忙给{co}出个{p}的报价，对接人{c}，手机{ph}。|{col}，{co}下周要来参观，帮忙安排一下展厅。"),
    third=L("顺丰物流 李师傅|安装外包 陈工|代理商 赵总|德邦物流调度"), third_ok=L("师傅您好，{d}送货到{city}客户仓库，到了打我电话。|王总，{p}的安装下周开始，现场对接我到时再通知。"),
    third_leak=L("师傅，收货人{c}，电话{ph}，{d}送到。|这是我们的客户联系人：{c} {ph}，{em}，您那边直接联系。"),
    needs=L("采购{n}台{p}，替换老旧设备|新产线需要{p}，预计{n}月招标|现有{p}能耗偏高，想了解节能方案|需要{p}的备品备件年度供货|扩产计划，关注{p}交期和产能|想做{p}样机测试"),
    obj=L("价格偏高|交期太长|已有长期供应商|需要领导审批|担心售后响应速度|付款条件不接受|对比竞品中"),
    commit=L("下周给答复|月底前确定预算|安排技术对接|同意样机试用|会推荐给总部采购|本季度内下单"),
    plan=L("发送正式报价|安排技术交流会|跟进样机测试结果|邀请参观工厂|提交招标资料|确认合同条款|回访使用情况"),
    note=L("客户比较看重交期|决策人是{c}，需要多接触|竞品报价低5%左右|年底有预算|对方IT部门也参与评估|付款周期较长，注意风险"),
    note_masked=L("对接人邮箱 {emm}|新联系人手机 {phm}|备用电话 {phm}"), note_leak=L("{c}手机{ph}|{c}邮箱 {em}"), fu_bad=[("overpromise", "向客户承诺24小时内解决所有问题"), ("exaggeration", "已告知客户我们设备零故障"),
            ("gift_over_limit", "中秋已送{c}{g}元购物卡"), ("bribery", "客户暗示要回扣，已答应返2个点")],
)
TW = dict(CN,
    surname=L("陳|林|黃|張|李|王|吳|劉|蔡|楊|許|鄭|謝|郭|洪|曾"), given=L("志明|淑芬|家豪|怡君|建宏|美玲|俊傑|雅婷|冠宇|佩珊|宗翰|欣怡|承恩|文雄"),
    brand=L("鼎興|昇達|凱晟|瑞昌|群翊|泰銘|嘉聯|裕豐|永詮|宏碩"), industry=L("精密機械|電子|光電|半導體設備|塑膠|五金|自動化"),
    suffix=L("股份有限公司|股份有限公司|有限公司"), title=L("採購經理|總經理|技術經理|廠長|工程師|採購專員|副總"),
    product=L("螺桿空壓機|變頻器|伺服馬達|工業機器人|雷射切割機|冷水機|減速機"), topic=L("確認交期|討論報價|約拜訪時間|回訪設備使用狀況|確認付款進度"),
    out=L("{c}您好，{p}的報價單已寄到您的信箱，含稅單價{x}元，請查收。|{c}，樣品已寄出，預計{d}送達。|附件是{p}的技術規格和案例，供您參考。"
          "|交期方面，下單後約{n}週可以出貨。|{c}您好，{d}下午方便過去拜訪嗎？|好的，那我們{d}上午十點線上會議，連結稍後傳給您。"
          "|發票已開立，請留意查收。|請問{p}主要重視哪些方面？耗電、維護還是交期？"),
    inb=L("收到，謝謝。|好的，我們內部討論一下。|價格還是偏高，可以再優惠嗎？|下週再約，這週比較忙。|資料已轉給技術部。|交期能不能提早一週？|OK|好的，辛苦了"),
    bad=dict(exaggeration=L("我們的{p}零故障，絕對不會出問題。|品質業界第一，百分之百滿足您的需求。"),
             overpromise=L("保證24小時內解決所有問題。|簽約後價格永不調漲。"), bribery=L("這單成了給您個人回扣3%。|事成之後另外給您紅包。"),
             gift_over_limit=L("中秋送您一張{g}元的禮券，一點心意。"), sensitive_topic=L("最近兩岸關係這麼緊張，您怎麼看？|您信什麼教？"),
             assumption=L("我認為您需要升級到旗艦版。|您一定需要再加兩台{p}。")),
    benign=L("我們不能保證零故障，但保固期內免費維修。|第一批{n}台已出貨，其餘下週安排。|公司規定禮品不超過200元，這次帶了客製筆記本。"),
    mail="主旨：{p}報價\n{body}\n敬祝 商祺\n{r}", quiet=L("暫時不需要，過兩個月再聯絡。"), quiet_ack="好的，了解，那我們兩個月後再跟您聯繫。", greet="{c}，新春快樂！龍年行大運，感謝您一直以來的支持。",
    call="通話{m}分{s}秒，{topic}", cancel_in=L("這週的拜訪先取消，臨時有會。"), cancel_ok=L("沒關係，那改到{d}上午或下午，您看哪個時間方便？"), cancel_bad=L("請問為什麼突然取消？"),
    thanks=L("{c}您好，感謝您今天撥冗接待，會議紀要稍後寄到您的信箱。—{r}"), call_in="客戶來電，{topic}", visit="拜訪客戶：與{c}等{n}人面談，{topic}。",
    meeting="線上會議：{topic}，{n}人參加。", laifang="客戶來訪參觀工廠，{topic}。", expo="{city}工業展交流，對{p}有興趣。", recall="補充確認剛才說的{topic}",
    internal=L("{col}，{co}的{c}電話{ph}，要{p}的技術方案，麻煩明天聯絡一下。|{col}，幫忙出{co}的{p}報價，窗口{c}。"),
    third=L("新竹物流 陳先生|安裝包商 林師傅"), third_ok=L("師傅您好，{d}送貨到{city}客戶倉庫，到了打給我。"), third_leak=L("師傅，收貨人{c}，電話{ph}，{d}送到。"),
    needs=L("採購{n}台{p}，汰換舊設備|新產線需要{p}|想了解{p}的節能方案"), obj=L("價格偏高|交期太長|已有長期供應商|需要主管核准"),
    commit=L("下週回覆|月底前確認預算|安排技術對接"), plan=L("寄送正式報價|安排技術交流|追蹤樣機測試結果|邀請參觀工廠"),
    note=L("客戶重視交期|決策者是{c}|競品報價低約5%"), note_masked=L("窗口信箱 {emm}|新窗口手機 {phm}"), note_leak=L("{c}手機{ph}"),
    fu_bad=[("overpromise", "向客戶保證24小時內解決所有問題"), ("gift_over_limit", "已送{g}元禮券給{c}")],
)


def dash(t):  # 2024-03-15 14:05
    return f"{t:%Y-%m-%d %H:%M}"


def slash(t):  # 2024/3/15 14:05
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"


def direction(channel, out):
    kind = 0 if channel in CALLS else 1 if channel in ACTIVITY else 2  # telephony, activity module, IM archive
    return (("呼出", "呼入"), ("outbound", "inbound"), ("发送", "接收"))[kind][0 if out else 1]


def person(rng, T):
    return rng.choice(T["surname"]) + rng.choice(T["given"])


def contact(rng, T, tw):
    name, title = person(rng, T), rng.choice(T["title"])
    short = name[0] + ("总" if "总" in title or "總" in title else "工" if "工程" in title else title[-2:])
    phone = f"09{rng.randrange(10**8):08d}" if tw else f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
    user = "".join(rng.choice("abcdefghjkmnpqrstwxyz") for _ in range(rng.randint(3, 8)))
    email = f"{user}@{rng.choice(['163.com', 'qq.com', '126.com', 'sina.com', 'yahoo.com.tw' if tw else 'aliyun.com'])}"
    masked = phone[:4] + "***" + phone[-3:] if tw else phone[:3] + "****" + phone[-4:]
    return dict(name=name, title=title, c=short, ph=phone, phm=masked, em=email, emm=user[0] + "****" + email[email.index("@"):])


def next_day(rng, d, step, limit):
    """The next contact day: weekends moved to Friday or Monday, nobody works in the Spring Festival."""
    nd = d + dt.timedelta(days=step)
    if nd.weekday() >= 5 and rng.random() < 0.85:
        fri, mon = nd - dt.timedelta(days=nd.weekday() - 4), nd + dt.timedelta(days=7 - nd.weekday())
        nd = mon if fri <= d or ((mon - d).days <= limit and rng.random() < 0.5) else fri
    return SPRING[1] + dt.timedelta(days=1) if SPRING[0] <= nd <= SPRING[1] else nd


def build_customers(n, rng, labels):
    reps, customers = {}, []
    for region, share, cities in REGIONS:
        T = TW if region.startswith("台湾") else CN
        reps[region] = [(person(rng, T), rng.choices([0.4, 1.5, 5.0], [.7, .25, .05])[0]) for _ in range(max(2, round(n / 160 * share)))]
    created = sorted(dt.datetime(2019, 1, 1, 9) + dt.timedelta(days=rng.randrange(1935), minutes=rng.randrange(600)) for _ in range(n))
    per_year, names = Counter(), set()
    for idx, when in enumerate(created):
        region, _, cities = rng.choices(REGIONS, [r[1] for r in REGIONS])[0]
        tw = region.startswith("台湾")
        T, city = (TW if tw else CN), rng.choice(L(cities))
        name = next((x for x in (city + rng.choice(T["brand"]) + rng.choice(T["industry"]) + rng.choice(T["suffix"])
                                 for _ in range(5)) if x not in names), city + rng.choice(T["brand"]) + "实业有限公司")  # duplicates happen
        names.add(name)
        tier = rng.choices("ABC", [.20, .35, .45])[0]
        strategic = growth = "否"
        if tier == "A" and rng.random() < 0.8:
            purchase = round(100 * 2.718 ** rng.uniform(0, 3), 1)
            strategic = "是" if rng.random() < 0.3 else "否"
        elif tier == "A":
            purchase = round(rng.uniform(20, 99.9), 1)
            strategic, growth = ("是", "否") if rng.random() < 0.5 else ("否", "是")
        else:
            purchase = round(rng.uniform(30, 99.9), 1) if tier == "B" else round(rng.uniform(0.5, 29.9), 1)
        purchase = "" if tier == "C" and rng.random() < 0.01 else purchase
        labels["purchase_missing"] += purchase == ""
        shown = rng.choice([t for t in "ABC" if t != tier]) if rng.random() < 0.01 else tier
        labels["tier_mismatch"] += shown != tier
        rep, risk = rng.choice(reps[region])
        per_year[when.year] += 1
        im = rng.choices(["LINE", "WhatsApp", "微信"], [75, 15, 10])[0] if tw else rng.choices(["微信", "企业微信", "钉钉", "飞书", "QQ"], [55, 30, 7, 5, 3])[0]
        customers.append(dict(idx=idx, cid=f"CRM-{when.year}-{per_year[when.year]:06d}", name=name, tier=shown, purchase=purchase,
                              strategic=strategic, growth=growth, rep=rep, risk=risk, region=region, city=city, created=when, tw=tw, T=T, im=im,
                              contacts=[contact(rng, T, tw) for _ in range(rng.randint(1, 3))], products=rng.sample(T["product"], 2),
                              colleagues=[r for r, _ in reps[region] if r != rep] + [("技術支援-" if tw else "技术支持-") + person(rng, T)]))
    return customers


def timeline(cu, seed, labels):
    """Yields (time, idx, seq, kind, row) for one customer, in time order: kind m = message, f = follow-up, c = complaint."""
    rng = random.Random(seed * 1_000_003 + cu["idx"])
    T, tier, risk, cid, rep, im = cu["T"], cu["tier"], cu["risk"], cu["cid"], cu["rep"], cu["im"]
    heap, seq = [], [0]

    def push(t, kind, row):
        seq[0] += 1
        heapq.heappush(heap, (t, cu["idx"], seq[0], kind, row))

    def msg(t, channel, out, text, to, rtype="客户"):
        push(t, "m", [cid, channel, direction(channel, out), rtype, to, rep, text])

    def say(s, channel):  # an outbound text by the rep: rarely a violation, sometimes a look-alike
        r, acc = rng.random() / risk, 0.0
        for kind, rate in RATES:
            acc += rate
            if r < acc:
                labels[kind] += 1
                return rng.choice(T["bad"][kind]).format(**s)
        if rng.random() < 0.02:
            labels["benign_lookalike"] += 1
            return rng.choice(T["benign"]).format(**s)
        text = rng.choice(T["out"]).format(**s)
        return T["mail"].format(body=text, **s) if channel == "邮件" and rng.random() < 0.5 else text

    first = max(START, cu["created"].date() + dt.timedelta(days=1))
    for _ in range((rng.random() < 0.27) + (rng.random() < 0.05)):  # complaints
        when = dt.datetime.combine(first, dt.time(9)) + dt.timedelta(minutes=rng.randrange(max(1, (END - first).days) * 1440))
        kind = rng.choices(list(COMPLAINTS), [v[0] for v in COMPLAINTS.values()])[0]
        who = rng.choice(cu["contacts"])
        closed = dt.datetime.combine(when.date() + dt.timedelta(days=rng.randint(1, 10)), dt.time(rng.randint(9, 18), rng.randrange(60)))
        if closed > EXPORTED or rng.random() < 0.1:
            result, satisfaction, closed = "处理中", "", ""
        else:
            result, satisfaction = rng.choice(["已解决", "已解决", "已关闭"]), rng.choices(["满意", "基本满意", "不满意", ""], [50, 30, 10, 10])[0]
        shown = who["phm"] if rng.random() < 0.9 else who["ph"]
        labels["complaint_phone_unmasked"] += shown == who["ph"]
        push(when, "c", [cid, cu["name"], who["name"], shown, rng.choice(L("400热线|微信|邮件|销售转交|官网留言")), kind,
                         rng.choice(COMPLAINTS[kind][1]).format(p=cu["products"][0]), rep, rng.choice(SERVICE), COMPLAINTS[kind][2],
                         result, satisfaction, closed])

    d = next_day(rng, first, rng.randrange(CADENCE[tier]), LIMIT[tier])
    n_gap = rng.randrange(1, 30) if rng.random() < 0.04 * risk else -1
    n_burst = rng.randrange(0, 20) if tier != "C" and rng.random() < 0.08 else -1
    n_quiet = rng.randrange(2, 15) if rng.random() < 0.03 else -1
    n_stop = rng.randrange(3, 25) if rng.random() < 0.03 * risk else -1
    force, last_visit, visited, n = None, None, False, 0  # force: the next day's channel
    while d <= END:
        who = rng.choice(cu["contacts"])
        later = d + dt.timedelta(days=rng.randint(1, 10))
        s = dict(who, p=rng.choice(cu["products"]), d=f"{later.month}月{later.day}日", n=rng.randint(2, 12), x=f"{rng.randint(8, 400) * 100:,}",
                 no=rng.randrange(10**11, 10**12), city=cu["city"], r=rep, g=rng.choice(GIFTS), co=cu["name"], topic=rng.choice(T["topic"]),
                 m=rng.randint(0, 12), s=rng.randint(5, 59), col=rng.choice(cu["colleagues"]))
        t0 = dt.datetime.combine(d, dt.time(rng.choice(HOURS), rng.randrange(60)))
        if force:  # a visit follow-up call, a rescheduled visit, the contact after a pause
            channel, force = force, None
        elif (tier == "A" and (last_visit is None or (d - last_visit).days >= 25) and rng.random() < 0.5) or rng.random() < VISIT_P[tier]:
            channel = "上门拜访"
        else:
            channel = rng.choices([im, "电话", "邮件", "短信", "视频会议", "电话会议", "来访", "展会" if d.month == 3 else im],
                                  [45, 25, 12, 3, 5, 2, 1.5, 1.5])[0]
        if channel == "上门拜访" and rng.random() < 0.06:  # the customer cancels; the rep offers new times
            msg(t0, im, False, rng.choice(T["cancel_in"]), who["c"])
            bad = rng.random() < 0.08 * risk
            labels["cancellation_why"] += bad
            msg(t0 + dt.timedelta(minutes=rng.randint(2, 30)), im, True, rng.choice(T["cancel_bad" if bad else "cancel_ok"]).format(**s), who["c"])
            channel, force = im, "上门拜访"
        visit, quiet_now = channel == "上门拜访", n == n_quiet and channel != "上门拜访"
        if channel == "电话":
            if rng.random() < 0.05 * risk:  # a second outbound call the same day
                labels["second_call_same_day"] += 1
                msg(t0, "电话", True, "未接通" if rng.random() < 0.6 else T["call"].format(**s), who["c"])
                t0 += dt.timedelta(minutes=rng.randint(20, 150))  # still the same day
                s["topic"] = T["recall"].format(**s)
            msg(t0, "电话", True, T["call"].format(**s), who["c"])
        elif visit:
            msg(t0, "上门拜访", True, T["visit"].format(**s), who["c"])
            last_visit, thanks = d, t0 + dt.timedelta(hours=rng.uniform(2, 8))
            if not visited and rng.random() < 0.08 * risk:  # first visit: thank-you missing or days late
                labels["late_or_missing_thank_you"] += 1
                thanks = t0 + dt.timedelta(days=rng.uniform(2, 4)) if rng.random() < 0.5 and d + dt.timedelta(days=4) <= END else None
            elif visited and rng.random() < 0.3:
                thanks = None
            if thanks:
                text = rng.choice(T["thanks"]).format(**s)
                msg(thanks, "邮件" if "\n" in text else "短信", True, text, who["c"])
            visited = True
        elif channel in ("视频会议", "电话会议"):
            msg(t0, channel, True, T["meeting"].format(**s), who["c"])
        elif channel in ("来访", "展会"):
            msg(t0, channel, False, T["laifang" if channel == "来访" else "expo"].format(**s), who["c"])
        else:
            msg(t0, channel, True, say(s, channel), who["c"])
        t, thread, out = t0, (channel if channel in ("邮件", "短信") else im), False
        for _ in range(rng.choice((0, 0, 0, 1, 1, 1, 2, 3))):
            t += dt.timedelta(minutes=rng.randint(3, 120))
            if not out and rng.random() < 0.08:
                msg(t, "电话", False, T["call_in"].format(**s), who["c"])
            else:
                msg(t, thread, out, say(s, thread) if out else rng.choice(T["inb"]).format(**s), who["c"])
            out = not out
        if quiet_now:
            msg(t + dt.timedelta(minutes=rng.randint(3, 60)), thread, False, rng.choice(T["quiet"]), who["c"])
            msg(t + dt.timedelta(minutes=rng.randint(61, 90)), thread, True, T["quiet_ack"], who["c"])
        if rng.random() < 0.11:  # forwarding the customer to a colleague inside the team
            text = rng.choice(T["internal"]).format(**s)
            labels["internal_forward_with_phone"] += who["ph"] in text
            msg(t0 + dt.timedelta(minutes=rng.randint(10, 180)), "LINE" if cu["tw"] else "企业微信", True, text, s["col"], "同事")
        if rng.random() < 0.008:  # logistics, installers, agents
            leak = rng.random() < 0.25 * risk
            labels["pii_to_third_party"] += leak
            msg(t0 + dt.timedelta(minutes=rng.randint(10, 300)), im if cu["tw"] else "微信", True, rng.choice(T["third_leak" if leak else "third_ok"]).format(**s),
                rng.choice(T["third"]), "第三方")

        step, limit = min(LIMIT[tier], max(1, round(CADENCE[tier] * rng.uniform(0.7, 1.5)))), LIMIT[tier]
        phone_due = False
        if quiet_now:
            breach = rng.random() < 0.2
            labels["quiet_period_breach"] += breach
            step, limit, force = rng.randint(5, 20) if breach else rng.randint(35, 60), 99, rng.choice([im, "电话"])
        elif n == n_gap:
            step, limit = rng.randint(*GAP[tier]), 99
            labels["missed_cadence_gap"] += 1
            labels["no_phone_within_3_days_after_visit"] += visit
        elif visit and rng.random() > 0.03 * risk:
            step, limit, force, phone_due = rng.randint(1, 3), 3, "电话", True
        elif visit:
            step = max(step, 4)
            labels["no_phone_within_3_days_after_visit"] += 1
        elif 0 <= n_burst <= n < n_burst + 3:
            step = rng.randint(1, 2)
            labels["busy_burst"] += 1
        nd, gap = next_day(rng, d, step, limit), None
        if limit != 99 and d < NEW_YEAR_EVE < nd and tier != "C" and rng.random() < 0.85:  # 拜年: everybody greets on 除夕 / 初一
            greet = NEW_YEAR_EVE + dt.timedelta(days=rng.randint(0, 1))
            msg(dt.datetime.combine(greet, dt.time(rng.randint(9, 22), rng.randrange(60))), im, True, T["greet"].format(**s), who["c"])
            gap = max((greet - d).days, (nd - greet).days)
        if phone_due and (nd - d).days > 3:
            labels["no_phone_within_3_days_after_visit"] += 1
        elif limit != 99 and (gap or (nd - d).days) > LIMIT[tier] and nd <= END:
            labels["holiday_gap"] += 1
        if n == n_stop and nd <= END:  # the rep leaves: the plan below is never met, nobody calls again
            labels["abandoned_customer_overdue_plan"] += 1
        if visit or rng.random() < 0.85:  # the follow-up record of the day
            late = rng.random() < 0.012 * risk and t0 + dt.timedelta(days=6) <= EXPORTED  # 录入时间 > 24 h after the contact
            labels["late_log"] += late
            morning = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(9, rng.randrange(60)))  # typed in the next morning
            logged = (t0 + dt.timedelta(hours=rng.uniform(26, 144)) if late else min(morning, t0 + dt.timedelta(hours=23))
                      if rng.random() < 0.15 else t0 + dt.timedelta(minutes=rng.randint(10, 480)))
            plan_at = dt.datetime.combine(nd, dt.time(rng.choice([9, 10, 14, 15]), rng.choice([0, 30])))
            contact_time, plan_text, note = t0, rng.choice(T["plan"]), ""
            if rng.random() < 0.5:
                note = rng.choice(T["note"]).format(**s)
                if rng.random() < 0.4:
                    note += rng.choice(["；", "\n"]) + rng.choice(T["note_masked"]).format(**s)
                elif rng.random() < 0.02 * risk:
                    note += "；" + rng.choice(T["note_leak"]).format(**s)
                    labels["unmasked_contact_in_note"] += 1
            if rng.random() < 0.004 * risk:
                kind, text = rng.choice(T["fu_bad"])
                labels["followup_" + kind] += 1
                plan_text, note = (text.format(**s), note) if rng.random() < 0.5 else (plan_text, (note + "；" if note else "") + text.format(**s))
            r = rng.random()  # hand-typed cells: empty, 待定, the template's 年月日 time range
            if r < 0.0025:
                kind = "malformed_empty_contact_time" if r < .001 else "malformed_next_time_tbd" if r < .002 else "template_style_contact_time"
                labels[kind] += 1
                if r < .001:
                    contact_time = ""
                elif r < .002:
                    plan_at = "待定"
                else:
                    contact_time = f"{d.year}年{d.month}月{d.day}日{t0:%H:%M}-{t0 + dt.timedelta(minutes=90):%H:%M}"
            push(t0, "f", [cid, who["name"], who["title"], contact_time, "拜访" if visit and rng.random() < 0.3 else channel,
                           rng.choice(T["needs"]).format(**s), rng.choice(T["obj"]) if rng.random() < 0.5 else "",
                           rng.choice(T["commit"]) if rng.random() < 0.45 else "", rep, plan_at, plan_text, logged, note])
        boundary = dt.datetime.combine(nd, dt.time())
        while heap and heap[0][0] < boundary:
            yield heapq.heappop(heap)
        if n == n_stop and nd <= END:
            break
        d, n = nd, n + 1
    while heap:
        yield heapq.heappop(heap)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=12_500)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--format", choices=["csv", "xlsx-ready"], default="csv")
    args = parser.parse_args()
    began, labels = time.time(), Counter()
    encoding, fmt_dash = ("gb18030", slash) if args.format == "xlsx-ready" else ("utf-8-sig", dash)
    os.makedirs(args.out, exist_ok=True)
    stamp = f"{EXPORTED:%Y%m%d}"
    heads = {"客户列表": "客户编号,客户名称,客户级别,年采购额(万元),是否战略客户,高增长潜力,所属销售,所属区域,创建时间",
             "跟进记录": "跟进记录ID,客户编号,联系人,职务,跟进时间,跟进方式,需求描述,异议点,客户承诺,跟进人,下次跟进时间,下一步计划,录入时间,备注",
             "聊天记录": "消息ID,客户编号,发送时间,渠道,方向,接收方类型,接收方,销售,消息内容",
             "客诉工单": "投诉编号,客户编号,客户名称,投诉人,联系电话,投诉时间,投诉渠道,投诉类型,投诉内容,涉及人员,处理人,处理措施,处理结果,客户满意度,结案时间"}
    paths = {k: os.path.join(args.out, f"{k}_{stamp}.csv") for k in heads}
    files = {k: open(p, "w", encoding=encoding, newline="") for k, p in paths.items()}
    out = {k: csv.writer(f, lineterminator="\r\n") for k, f in files.items()}  # RFC 4180, QUOTE_MINIMAL
    for k, head in heads.items():
        out[k].writerow(head.split(","))
    customers = build_customers(args.customers, random.Random(args.seed), labels)
    for cu in customers:
        out["客户列表"].writerow([cu["cid"], cu["name"], cu["tier"] + "类", cu["purchase"], cu["strategic"], cu["growth"], cu["rep"],
                              cu["region"], fmt_dash(cu["created"])])
    counts, per_year = Counter(), Counter()

    def when(v):
        return slash(v) if isinstance(v, dt.datetime) else v

    for t, _, _, kind, row in heapq.merge(*(timeline(cu, args.seed, labels) for cu in customers)):
        if t > EXPORTED:
            continue
        counts[kind] += 1
        if kind == "m":
            out["聊天记录"].writerow([f"MSG{counts['m']:010d}", row[0], fmt_dash(t), *row[1:]])
        elif kind == "f":
            out["跟进记录"].writerow([f"GJ{counts['f']:08d}", *[when(v) for v in row]])
        else:
            per_year[t.year] += 1
            out["客诉工单"].writerow([f"TS-{t.year}-{per_year[t.year]:06d}", *row[:4], slash(t), *row[4:-1], when(row[-1])])
    for f in files.values():
        f.close()

    informational = {"benign_lookalike", "busy_burst", "holiday_gap", "internal_forward_with_phone", "template_style_contact_time",
                     "complaint_phone_unmasked", "purchase_missing"}
    records = {"customers": len(customers), "followups": counts["f"], "messages": counts["m"], "complaints": counts["c"]}
    report = {"generator": "scripts/bench/gen_crm_export.py", "seed": args.seed, "format": args.format,
              "window": [str(START), str(END)], "exported_at": EXPORTED.isoformat() + "+08:00",
              "files": {k: os.path.basename(p) for k, p in paths.items()}, "records": records,
              "violations_injected": dict(sorted((k, v) for k, v in labels.items() if k not in informational)),
              "reference_not_violations": dict(sorted((k, v) for k, v in labels.items() if k in informational)),
              "notes": "Counts are injections, not expected findings: a linter may see one injection as several findings "
                       "(e.g. a cadence gap also leaves a plan late) or merge them. holiday_gap = Spring-Festival gaps over the tier "
                       "limit, not injected; busy_burst = eager-rep days 1-2 apart, normal business; complaint_phone_unmasked = "
                       "联系电话 shown in full in a complaint ticket."}
    with open(os.path.join(args.out, "LABELS.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=2)
    size = sum(os.path.getsize(p) for p in paths.values()) / 1e6
    print(f"{len(paths)} files in {args.out}: {records['customers']} customers, {records['followups']} follow-ups, {records['messages']} messages, "
          f"{records['complaints']} complaints, {sum(report['violations_injected'].values())} violations injected, {size:.1f} MB, {time.time() - began:.1f} s")


if __name__ == "__main__":
    main()
