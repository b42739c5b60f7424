"""Generated knowledge articles for the 20 000-article benchmark: the articles.json shape, keys gen-00001…

Each one is a district's or a unit's variant of a demo topic (its catalog leaves, owner and keywords), written
from sentence templates with that topic's words, districts, deadlines, channels and materials, so the index sees
the vocabulary and the near-duplicates a real city knowledge base has (every district restates the city rules).
Deterministic for a (count, seed). Pure Python: no database.
"""

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ARTICLES_JSON = Path(__file__).resolve().parent / "articles.json"

DISTRICTS = ["东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区", "通州区", "顺义区",
             "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区", "北京经济技术开发区"]
ASPECTS = ["办理流程", "所需材料", "申请条件", "常见问题解答", "政策解读", "办理时限", "收费标准", "咨询口径",
           "线上办理指引", "窗口办理地点", "特殊情形处理", "投诉处理口径", "补贴发放说明", "年度工作安排",
           "调整说明", "答复要点", "注意事项", "服务承诺", "进度查询", "责任分工"]
CHANNELS = ["京通小程序", "北京市政务服务网", "区政务服务中心窗口", "街道（乡镇）便民服务中心", "社区服务站",
            "12345热线", "承办单位官方网站", "微信公众号", "手机APP", "自助服务终端"]
MATERIALS = ["居民身份证原件", "户口簿", "居住证", "近期免冠照片", "申请表（现场填写）", "收入证明", "劳动合同",
             "房屋租赁合同", "不动产权证书", "医疗机构诊断证明", "银行卡", "社保卡", "委托书及代办人身份证",
             "单位出具的证明", "结婚证", "出生医学证明", "学籍证明", "缴费凭证", "发票原件", "情况说明"]
PEOPLE = ["本市户籍居民", "持居住证的常住人口", "在京就业人员", "老年人", "残疾人", "在校学生", "低收入家庭",
          "新就业人员", "退役军人", "灵活就业人员", "外埠来京人员", "困难群众"]
OPENERS = ["为进一步做好{topic}工作，", "根据本市有关规定，", "针对市民来电集中反映的{topic}问题，",
           "结合{district}实际，", "按照“接诉即办”工作要求，", "为方便群众办事，"]
SENTENCES = [
    "{district}{topic}相关事项由{owner_word}负责，街道（乡镇）做好配合。",
    "{people}办理{kw1}，可通过{channel}提交申请，也可到{channel2}现场办理。",
    "申请{kw1}一般需要提供{material}、{material2}等材料，材料不全的窗口一次性告知需补正的内容。",
    "符合条件的，承办单位应在{days}个工作日内办结，并将结果告知申请人。",
    "对{kw2}有异议的，可在收到答复之日起{days2}日内向{district}相关部门提出复核。",
    "来电人反映{kw1}问题的，接线员应问清具体地址、发生时间和联系方式，按{kw2}派单。",
    "{kw1}的具体标准按本市最新公布的文件执行，{district}不另行制定标准。",
    "涉及{kw2}和{kw3}的，由{owner_word}会同属地街道（乡镇）共同处理。",
    "{people}可以委托他人代为办理{kw1}，代办人需携带{material}。",
    "{kw1}咨询可拨打12345热线，或到{channel}查询办理进度。",
    "每年{month}月起，{district}集中开展{kw2}专项工作，重点解决群众反映强烈的问题。",
    "办理{kw3}不收取任何费用，发现违规收费的可向{district}市场监管部门举报。",
    "因特殊原因无法按时办理的，可申请延期，延期一般不超过{days2}日。",
    "已经享受{kw1}待遇的，情况发生变化时应在{days}日内主动申报。",
    "{topic}信息会在{channel}公示，公示期为{days}个工作日。",
    "对{kw2}处理结果不满意的，可再次来电，由{owner_word}安排专人回访。",
    "{district}在{count}个街道（乡镇）设立了{kw1}服务点，方便群众就近办理。",
    "办理过程中需要核验{material}的，工作人员应当场核验并退还原件。",
]


def _topics():
    articles = json.loads(ARTICLES_JSON.read_text(encoding="utf-8"))
    return [{"key": a["key"], "title": a["title"], "keywords": a["keywords"], "catalog": a["catalog"],
             "owner": a["owner"], "source": a["source_document"]} for a in articles]


def _topic_phrase(title):
    """A short name of the topic: the title before its first 的/、/和 (e.g. 本市供暖季起止时间)."""
    for mark in ("的", "、", "（", "和"):
        if mark in title[2:]:
            return title[:title.index(mark, 2)]
    return title


def _article(number, topic, rng):
    district = rng.choice(DISTRICTS)
    aspect = rng.choice(ASPECTS)
    phrase = _topic_phrase(topic["title"]).removeprefix("本市").removeprefix("北京市")
    keywords = rng.sample(topic["keywords"], min(len(topic["keywords"]), rng.randint(3, 6)))
    kw = (keywords * 3)[:3]
    fill = {
        "district": district, "topic": phrase, "owner_word": rng.choice(["区主管部门", "承办单位", "属地街道（乡镇）",
                                                                         "市级主管部门", "相关企业"]),
        "people": rng.choice(PEOPLE), "channel": rng.choice(CHANNELS), "channel2": rng.choice(CHANNELS),
        "material": rng.choice(MATERIALS), "material2": rng.choice(MATERIALS),
        "days": rng.choice([3, 5, 7, 10, 15, 20]),
        "days2": rng.choice([15, 30, 60]), "month": rng.randint(1, 12), "count": rng.randint(5, 30),
        "kw1": kw[0], "kw2": kw[1], "kw3": kw[2],
    }
    paragraphs = []
    for _ in range(rng.randint(2, 4)):
        sentences = rng.sample(SENTENCES, rng.randint(2, 4))
        text = rng.choice(OPENERS) + "".join(sentences)
        paragraphs.append(text.format(**fill))
    heading = rng.choice(["## 答复口径", "## 办理指引", "## 政策要点", "## 说明"])
    body = heading + "\n" + "\n\n".join(paragraphs)
    valid_from = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
    number_text = f"{district[:2]}政办发〔{valid_from.year}〕{rng.randint(1, 99)}号"
    valid_to = date(2027, 6, 1) + timedelta(days=rng.randint(0, 900))
    return {
        "key": f"gen-{number:05d}",
        "title": f"{district}{phrase}{aspect}",
        "body": body,
        "keywords": keywords,
        "catalog": topic["catalog"][: rng.randint(1, len(topic["catalog"]))],
        "owner": topic["owner"] if rng.random() < 0.7 else "center",
        "source_document": topic["source"] if rng.random() < 0.5 else "",
        "document_number": number_text if rng.random() < 0.3 else "",
        "valid_from": valid_from.isoformat(),
        "valid_to": None if rng.random() < 0.8 else valid_to.isoformat(),
        "review_due": (date(2027, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat(),
    }


def generated_with_topics(count: int, seed: int = 0) -> Iterator[tuple[str, dict]]:
    """(key of the demo article whose topic it restates, article) for each generated article."""
    rng = random.Random(seed)
    topics = _topics()
    for number in range(1, count + 1):
        topic = rng.choice(topics)
        yield topic["key"], _article(number, topic, rng)


def generated_articles(count: int, seed: int = 0) -> Iterator[dict]:
    """`count` articles of the articles.json shape, keys gen-00001…; the same for the same (count, seed)."""
    return (article for _, article in generated_with_topics(count, seed))
