"""One-off builder of dispatch/data/catalog_starter.csv (generated once, stored, loaded by `load_catalog`).

Input: catalog_three_level.csv, a real 15/118/517 three-level classification without codes or rules, plus
ADDITIONS, Beijing matters it lacks. Every leaf gets a code (2+2+3 digits, in file order), keywords (its
name, the words in it, the words citizens use), who handles it, a default tier, a request type and a dispatch
class (how the rules use tier and class: dispatch/tiers.py); each comes from the first matching rule in the tables
below. Patterns are globs over '一级/二级/三级'.

Rebuild (needs jieba): .venv/bin/python -m dispatch.catalog.starter
"""

import csv
from fnmatch import fnmatchcase
from pathlib import Path

from .fileformat import COLUMNS, CSV, KEYWORD_SEPARATOR, split_keywords, write_table

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SOURCE_CSV = DATA_DIR / "catalog_three_level.csv"
STARTER_CSV = DATA_DIR / "catalog_starter.csv"
STREET = "street"  # dispatched to the street/township of the incident address

# Beijing matters missing from the source: (一级, 二级, [三级 …]); a new 二级 is appended to its 一级.
ADDITIONS = [
    ("城乡建设", "物业管理", ["物业服务", "物业收费", "电梯故障", "电梯困人", "业主委员会", "物业企业退出与接管",
                             "公共维修资金", "小区公共设施维修"]),
    ("城乡建设", "供热采暖", ["楼栋暖气不热", "户内暖气不热", "暖气漏水", "集中供热停暖", "供暖费缴纳", "供暖时间"]),
    ("城乡建设", "老旧小区改造", ["改造计划", "改造施工扰民", "改造工程质量", "加装电梯", "管线改造"]),
    ("城乡建设", "垃圾分类", ["垃圾分类投放", "垃圾清运不及时", "厨余垃圾", "大件垃圾", "装修垃圾", "垃圾桶站设置"]),
    ("城乡建设", "停车管理", ["小区停车", "路侧停车收费", "违法停车", "僵尸车", "电动汽车充电桩", "共享单车停放"]),
    ("城乡建设", "市政设施", ["路灯不亮", "井盖缺失破损", "道路破损", "下水道堵塞", "雨后积水", "无障碍设施"]),
    ("城乡建设", "市容环境", ["占道经营", "小广告", "露天烧烤", "渣土遗撒", "户外广告牌匾", "背街小巷环境"]),
    ("环境保护", "噪声扰民", ["施工噪音", "夜间施工", "商业经营噪音", "广场舞噪音", "邻里噪音"]),
    ("环境保护", "环境污染", ["餐饮油烟"]),
    ("民政", "养老服务", ["养老机构", "养老驿站", "老年助餐", "高龄津贴"]),
    ("交通运输", "公交服务", ["公交线路调整", "公交站点设置", "公交司乘服务"]),
    ("交通运输", "地铁服务", ["地铁站务服务", "地铁运营延误"]),
    ("科技与信息产业", "电信", ["宽带故障", "手机信号差"]),
    ("教育文体", "学前教育", ["幼儿园入园", "普惠性幼儿园", "幼儿园收费"]),
    ("劳动和社会保障", "劳动关系", ["拖欠农民工工资"]),
]

# Who handles a leaf: STREET or a unit code from city_units.csv. C12345 = the center forwards it to a body
# outside the system (party organs, courts, financial regulators).
RESPONSIBLE_RULES = [
    ("E001", ["*/*/自来水供应"]),
    ("E003", ["*/*/燃气供应"]),
    ("E004", ["*/*/电力供应"]),
    ("E002", ["*/*/冬季采暖", "城乡建设/供热采暖/*"]),
    ("E005", ["城乡建设/市政设施/下水道堵塞", "城乡建设/市政设施/雨后积水"]),
    ("E006", ["*/*/公共汽车", "交通运输/公交服务/*"]),
    ("E007", ["*/*/地铁城铁", "交通运输/地铁服务/*"]),
    ("D001", ["城乡建设/市政设施/路灯不亮"]),
    ("D008", ["*/*/公园管理", "*/*/园林绿化", "农村农业/林业管理/*", "农村农业/草原草场/*", "农村农业/野生资源管理/*"]),
    ("D009", ["城乡建设/停车管理/违法停车", "政法/交通管理/*"]),
    ("D004", ["城乡建设/停车管理/路侧停车收费", "城乡建设/停车管理/共享单车停放", "交通运输/*"]),
    ("D020", ["*/安全生产/事故处理", "*/安全生产/安全生产管理", "*/安全生产/其他", "国土资源/海洋气象地震/*",
              "民政/救灾募捐/救灾管理"]),
    (STREET, ["*/安全生产/安全隐患", "城乡建设/城乡规划/违章建筑", "*/住房保障与房地产/物业服务",
              "*/住房保障与房地产/住房困难", "*/住房保障与房地产/修缮装修", "*/住房保障与房地产/公房",
              "环境保护/环境污染/噪音污染", "环境保护/环境污染/固体污染", "环境保护/环境污染/其他污染",
              "环境保护/环境污染/其他", "环境保护/环境污染/餐饮油烟", "环境保护/噪声扰民/*",
              "民政/基层选举和社区建设/*", "民政/社会救助/城镇低保", "民政/社会救助/农村低保",
              "民政/社会救助/特困人员供养", "民政/社会救助/其他", "民政/社会服务/生活无着人员救助",
              "民政/养老服务/养老驿站", "农村农业/土地承包经营/*", "农村农业/村务管理/*"]),
    ("D006", ["环境保护/*"]),
    ("D011", ["城乡建设/城乡规划/*", "*/*/房产证登记、办理", "国土资源/*"]),
    ("D017", ["城乡建设/村镇建设/新农村建设"]),
    ("D003", ["城乡建设/工程质量/*", "城乡建设/国有土地上房屋征收与补偿/*", "城乡建设/建筑市场/*",
              "城乡建设/住房保障与房地产/*", "*/*/住房公积金"]),
    ("D023", ["党务政务/宣传舆论/互联网信息监管", "科技与信息产业/电信/*"]),
    ("D018", ["党务政务/宣传舆论/广播影视管理", "党务政务/宣传舆论/出版管理", "党务政务/宣传舆论/新闻管理",
              "商贸旅游/旅游管理/*", "教育文体/文化/*", "教育文体/文物管理/*"]),
    ("D022", ["经济管理/金融财税/税收征管"]),
    ("D010", ["经济管理/金融财税/集资融资", "经济管理/金融财税/非法经济活动", "政法/户籍证件/*",
              "政法/警务督察/*", "政法/刑案侦破/*"]),
    ("D021", ["政法/社会治安/消防安全"]),
    ("D010", ["政法/社会治安/*"]),
    ("D024", ["经济管理/宏观调控/*", "经济管理/能源管理/*", "经济管理/其他/*"]),
    ("D005", ["科技与信息产业/知识产权/*", "*/农副产品流通/价格质量", "*/农资农技/农资价格质量",
              "卫生计生/食品药品监管/*", "商贸旅游/市场监管/*", "商贸旅游/质监检验检疫/*",
              "商贸旅游/其他/*"]),
    ("D025", ["科技与信息产业/信息化建设/*"]),
    ("D026", ["民政/复退安置/*", "民政/优抚/*"]),
    ("D016", ["民政/社会救助/医疗救助", "*/*/*医疗保险", "*/*/新农村合作医疗", "*/*/职工生育保险"]),
    ("D015", ["民政/*"]),
    ("D007", ["农村农业/水利水电/*", "农村农业/水库移民/*"]),
    ("D017", ["农村农业/*"]),
    ("D019", ["商贸旅游/商业贸易/*"]),
    ("D013", ["卫生计生/*"]),
    ("D012", ["政法/仲裁与调解/劳动仲裁", "政法/仲裁与调解/人事仲裁", "劳动和社会保障/*"]),
    ("C12345", ["政法/诉讼/*", "政法/仲裁与调解/生效法律文书执行", "党务政务/*", "纪检监察/*",
                "经济管理/金融财税/*", "经济管理/保险证券期货/*", "经济管理/国资监管/*", "经济管理/企业破产/*",
                "科技与信息产业/*", "商贸旅游/*"]),
    ("D027", ["政法/*"]),
    ("D028", ["教育文体/体育/*"]),
    ("D014", ["教育文体/*"]),
    (STREET, ["*"]),  # local matters: 环境卫生, 小区管理, 市容, 城管执法 …
]

# Emergencies: risk to life or property, sudden events, public health.
EMERGENCIES = ["*/*/事故处理", "*/*/安全隐患", "*/*/突发公共卫生事件处理", "政法/社会治安/消防安全",
               "政法/交通管理/交通事故", "*/*/森林防火", "*/*/危险化学品污染", "*/*/电梯困人", "*/*/井盖缺失破损"]

# 四级响应: 2h emergencies, 24h water/power/gas/heating and other time-critical services, 15d complex, else 7d.
TIER_RULES = [
    ("2h", EMERGENCIES),
    ("24h", ["*/*/自来水供应", "*/*/燃气供应", "*/*/电力供应", "*/*/冬季采暖", "*/供热采暖/*暖气*",
             "*/供热采暖/集中供热停暖", "*/*/下水道堵塞", "*/*/雨后积水", "*/*/防汛抗旱", "*/动物防疫/疫情防控",
             "*/*/生活无着人员救助", "*/*/救灾管理", "*/*/垃圾清运不及时", "*/*/夜间施工", "*/*/电梯故障",
             "*/*/通信保障", "*/*/拖欠农民工工资"]),
    ("15d", ["*/国有土地上房屋征收与补偿/*", "*/集体土地上房屋拆迁与补偿/*", "国土资源/土地征收/*", "纪检监察/*",
             "*/*/*拆迁*", "*/*/*纠纷*", "*/*/*争议*", "*/*/*仲裁", "政法/行政复议/*", "政法/诉讼/*",
             "*/企业破产/*", "经济管理/国资监管/*", "*/*/拖欠工程款", "*/*/*改造", "*/*/加装电梯",
             "*/*/违章建筑", "*/*/*信访*", "*/*/失地农民保障", "*/*/业主委员会", "*/*/物业企业退出与接管"]),
    ("7d", ["*"]),
]

# 派单时限类别 (DOMAIN.md "Dispatch time limits"): emergencies dispatch like 紧急 (1 h); water, power, gas and
# heating (every leaf the water, heating, gas and power enterprises handle) and extreme weather like 较急 (2 h);
# the other leaves by the urgency the agent chooses (24 h for 一般).
UTILITY_ENTERPRISES = ("E001", "E002", "E003", "E004")
EXTREME_WEATHER = ["*/*/雨后积水", "*/*/防汛抗旱", "*/*/救灾管理"]
DISPATCH_RULES = [
    ("emergency", EMERGENCIES),
    ("utilities", [pattern for unit, patterns in RESPONSIBLE_RULES if unit in UTILITY_ENTERPRISES
                   for pattern in patterns] + EXTREME_WEATHER),
    ("", ["*"]),
]

REQUEST_TYPE_RULES = [
    ("report", ["纪检监察/*", "*/*/黄赌毒", "*/*/传销", "*/*/非法*", "*/*/违法生育", "*/*/骗购", "*/*/走私贩私",
                "*/*/邪教组织", "*/*/打黑除恶", "*/*/集资融资", "*/*/不正当竞争", "*/*/违章建筑", "*/*/包庇*",
                "*/*/刑讯逼供", "*/*/资产流失"]),
    ("help", ["*/*/自来水供应", "*/*/燃气供应", "*/*/电力供应", "*/*/冬季采暖", "*/供热采暖/*暖气*",
              "*/供热采暖/集中供热停暖", "*/*/事故处理", "*/*/*救助", "*/*/*低保", "*/*/特困人员供养",
              "*/*/法律援助", "*/*/救灾管理", "*/*/住房困难", "*/*/电梯*", "*/*/下水道堵塞", "*/*/雨后积水",
              "*/*/路灯不亮", "*/*/井盖缺失破损", "*/*/失独家庭", "*/*/通信保障", "*/*/宽带故障", "*/*/手机信号差",
              "*/*/生活住房医疗", "*/*/拖欠农民工工资", "*/*/老年助餐"]),
    ("suggestion", ["党务政务/*", "*/*/*改革", "*/*/*建设", "*/*/*发展规划", "*/*/*发展战略", "*/*/立法规划",
                    "*/*/区域发展", "*/*/规划设计"]),
    ("consultation", ["*/*/*政策*", "*/*/*登记*", "*/*/*申报", "*/*/*手续", "*/*/*公积金", "*/*/*保险",
                      "*/*/新农村合作医疗", "*/*/*补贴", "*/*/*待遇", "*/*/*鉴定", "*/*/招生录取", "*/*/异地升学",
                      "*/*/户籍管理", "*/*/出入境管理", "*/*/身份证管理", "*/*/就业和再就业", "*/*/职业培训",
                      "*/*/供暖费缴纳", "*/*/供暖时间", "*/*/改造计划", "*/*/公证", "*/*/律师", "*/*/幼儿园入园",
                      "*/*/规划方案", "*/*/高龄津贴", "*/*/公共维修资金", "*/*/房改政策"]),
    ("complaint", ["*"]),
]

# Words citizens use for a leaf, beyond the words of its name.
SYNONYMS = {
    "自来水供应": "停水、没水、水压低、水质发黄、自来水",
    "燃气供应": "燃气、天然气、停气、燃气表、燃气泄漏",
    "电力供应": "停电、断电、跳闸、电压不稳、供电",
    "冬季采暖": "暖气不热、供暖、暖气、供热、室温不达标",
    "楼栋暖气不热": "暖气不热、整栋楼不热、室温低、供暖、暖气",
    "户内暖气不热": "暖气不热、家里冷、暖气片不热、室温不达标、暖气",
    "暖气漏水": "暖气漏水、暖气跑水、管道漏水",
    "集中供热停暖": "停暖、暖气停了、供暖中断",
    "供暖费缴纳": "暖气费、供暖费、采暖费",
    "供暖时间": "提前供暖、延长供暖、什么时候来暖气",
    "环境卫生": "垃圾、脏乱差、卫生死角、保洁",
    "园林绿化环卫": "树木、绿地、环卫、清扫",
    "小区管理": "小区、门禁、小区环境",
    "城管执法": "城管、执法、占道",
    "违章建筑": "违建、私搭乱建、加盖、圈占",
    "噪音污染": "噪音、噪声、扰民",
    "大气污染": "烟尘、异味、空气污染、焚烧",
    "水污染": "污水、排污、河道发臭",
    "园林绿化": "树木、绿地、修剪树枝、砍树",
    "公共汽车": "公交、公交车、公交站",
    "地铁城铁": "地铁、城铁、轻轨",
    "公园管理": "公园、门票",
    "物业服务": "物业、物业不作为、物业服务差",
    "物业收费": "物业费、乱收费、停车费",
    "电梯故障": "电梯、电梯坏了、电梯停运",
    "电梯困人": "电梯困人、被困电梯、电梯关人",
    "安全隐患": "隐患、危险、消防隐患",
    "事故处理": "事故、伤亡",
    "住房公积金": "公积金、提取公积金",
    "保障性住房": "公租房、共有产权房、廉租房、保障房",
    "房屋租赁": "租房、房东、中介、押金",
    "城镇低保": "低保、最低生活保障",
    "农村低保": "低保、最低生活保障",
    "黄赌毒": "赌博、吸毒、卖淫",
    "治安案件": "打架、盗窃、治安",
    "消防安全": "消防、火灾、消防通道",
    "交通事故": "车祸、追尾、撞车",
    "机动车和驾驶员管理": "驾照、车辆年检、机动车登记",
    "工资发放": "欠薪、拖欠工资、工资",
    "农民工权益": "农民工、欠薪、讨薪",
    "拖欠农民工工资": "欠薪、讨薪、工资",
    "职工养老保险": "养老金、社保、养老保险",
    "职工医疗保险": "医保、报销、医保卡",
    "城镇居民医疗保险": "医保、居民医保、一老一小",
    "退休金发放": "养老金、退休金",
    "食品安全": "食品、过期食品、餐馆卫生、食物中毒",
    "物价监督": "价格、涨价、明码标价",
    "商品质量": "假货、质量问题、退换货",
    "网约车问题": "网约车、拒载、平台",
    "运价监管": "打车、计价器、绕路",
    "快递市场管理": "快递、丢件、快递柜",
    "电信资费": "话费、流量、乱扣费",
    "通信保障": "信号、断网、宽带",
    "户籍管理": "户口、落户、迁户",
    "身份证管理": "身份证、补办身份证",
    "出入境管理": "护照、港澳通行证、签证",
    "招生录取": "入学、招生、择校",
    "校外机构管理": "培训班、补课、退费",
    "垃圾分类投放": "垃圾分类、垃圾桶、分类投放",
    "垃圾清运不及时": "垃圾清运、垃圾满了、垃圾没人收",
    "厨余垃圾": "厨余、湿垃圾",
    "大件垃圾": "旧家具、大件垃圾",
    "装修垃圾": "装修垃圾、建筑垃圾",
    "小区停车": "停车位、车位、停车难",
    "违法停车": "乱停车、违停、堵车库",
    "僵尸车": "僵尸车、废弃车辆",
    "电动汽车充电桩": "充电桩、充电",
    "路灯不亮": "路灯、灯不亮",
    "井盖缺失破损": "井盖、下水井",
    "道路破损": "路面坑洼、道路破损",
    "下水道堵塞": "下水道、堵塞、返水、污水外溢",
    "雨后积水": "积水、内涝",
    "占道经营": "摆摊、占道、游商",
    "小广告": "小广告、乱贴乱画",
    "露天烧烤": "烧烤、油烟",
    "施工噪音": "施工噪音、工地",
    "夜间施工": "夜间施工、半夜施工、扰民",
    "广场舞噪音": "广场舞、音响",
    "餐饮油烟": "油烟、饭馆排烟",
    "加装电梯": "加装电梯、老楼电梯",
    "疾病预防控制": "疫苗、传染病、接种",
    "医疗收费": "看病贵、医院收费",
    "患者权益": "医院、医生态度",
    "非法行医": "黑诊所、无证行医",
    "殡葬管理": "墓地、殡葬、丧葬",
    "婚姻登记": "结婚登记、离婚登记",
    "养老驿站": "养老驿站、居家养老",
    "老年助餐": "老年餐桌、助餐",
    "幼儿园入园": "幼儿园、入园、托育",
}
_STOPWORDS = {"其他", "管理", "问题", "工作", "事务", "服务", "处理", "和", "与", "及", "的"}


def first_match(rules, path):
    for value, patterns in rules:
        if any(fnmatchcase(path, pattern) for pattern in patterns):
            return value
    raise ValueError(f"no rule matches {path}")


def leaf_paths():
    """(一级, 二级, 三级) in source order, then ADDITIONS (existing 二级 extended, new ones appended)."""
    with SOURCE_CSV.open(encoding="utf-8") as handle:
        paths = [(row["level1"], row["level2"], row["level3"]) for row in csv.DictReader(handle)]
    seen = set(paths)
    for level1, level2, names in ADDITIONS:
        paths += [(level1, level2, name) for name in names if (level1, level2, name) not in seen]
    return paths


def assign_codes(paths):
    """(leaf code, path): 一级 and 二级 numbered in order of first appearance, leaves in order within 二级."""
    level1_codes, level2_codes, leaf_counts, codes = {}, {}, {}, []
    for level1, level2, level3 in paths:
        one = level1_codes.setdefault(level1, f"{len(level1_codes) + 1:02d}")
        if (level1, level2) not in level2_codes:
            siblings = sum(1 for key in level2_codes if key[0] == level1)
            level2_codes[(level1, level2)] = f"{one}{siblings + 1:02d}"
        two = level2_codes[(level1, level2)]
        leaf_counts[two] = leaf_counts.get(two, 0) + 1
        codes.append((f"{two}{leaf_counts[two]:03d}", (level1, level2, level3)))
    return codes


def keywords_for(level1, level2, level3):
    """The leaf name, citizens' words for it, the words in it; a '其他' leaf takes the words of its parents."""
    import jieba

    source = next(name for name in (level3, level2, level1) if name != "其他")
    words = [] if level3 == "其他" else [level3]
    words += SYNONYMS.get(level3, "").split(KEYWORD_SEPARATOR)
    words += [word for word in jieba.lcut(source) if len(word) > 1 and word not in _STOPWORDS]
    return KEYWORD_SEPARATOR.join(split_keywords(KEYWORD_SEPARATOR.join(words)))


def build_rows():
    rows = []
    for code, (level1, level2, level3) in sorted(assign_codes(leaf_paths())):
        path = f"{level1}/{level2}/{level3}"
        who = first_match(RESPONSIBLE_RULES, path)
        rows.append({
            "code": code, "level1": level1, "level2": level2, "level3": level3,
            "keywords": keywords_for(level1, level2, level3),
            "responsible": "street" if who == STREET else "unit",
            "responsible_unit": "" if who == STREET else who,
            "tier": first_match(TIER_RULES, path),
            "request_type": first_match(REQUEST_TYPE_RULES, path),
            "dispatch_class": first_match(DISPATCH_RULES, path),
            "photo_required": "",  # an administrator marks the leaves (admin, or the column in an imported file)
        })
    assert list(rows[0]) == list(COLUMNS)
    return rows


def main():
    import jieba

    jieba.setLogLevel(60)
    rows = build_rows()
    STARTER_CSV.write_bytes(write_table(rows, CSV))
    print(f"{STARTER_CSV}: {len(rows)} leaves")


if __name__ == "__main__":
    main()
