"""诉求类型 from the text the agent types: weighted cue words per type (表扬/举报/投诉/建议/求助/咨询).

The words are looked up in the suggester's normalised text (suggest/text.normalize). A type scores the sum of the
weights of its cues found; the best type wins, ties go to the earlier type in TYPE_ORDER; no cue, no suggestion.
How often it is right: bench/request_type.py."""

from dispatch.choices import RequestType

from .text import normalize

# Cue words by weight: 3 names the type outright (举报, 建议), 2 is a strong sign, 1 a hint.
CUE_WORDS = {
    RequestType.PRAISE: {
        3: "表扬 感谢 点赞 锦旗 好评 称赞",
        2: "服务很好 已经解决 谢谢 认真负责 非常及时 很及时 已经修好 服务态度特别好 辛苦了",
        1: "满意 热情 很干净 及时",
    },
    RequestType.REPORT: {
        3: "举报",
        2: "私自 私拉 无照 未成年 电鱼 作坊 窝点 涉嫌 违法 违规 非法 无证 私搭乱建 违建 偷排 排污 地沟油 传销 "
           "黑车 群租 冒充 占道经营 不要处方 诈骗 假冒",
        1: "有人在 有人 砍树 疑似 偷 偷偷 没有覆盖",
    },
    RequestType.SUGGESTION: {
        3: "建议 提议",
        2: "最好能 呼吁 增设 多设 多组织",
        1: "能不能 可否 设置 希望 能否 加装 应该 延长 增加",
    },
    RequestType.COMPLAINT: {
        3: "投诉",
        2: "不承认 不改 说了也 睡不着 横冲直撞 不处理 质量差 欺骗 态度恶劣 态度很差 态度差 推诿 推来推去 扰民 "
           "噪音 乱收费 拖欠 不给退 不赔偿 没人管 拒载 延期交房",
        1: "联系不上了 不让 过期 乱扔 乱 天天 就跑 不管 拒绝 不退 绕路 油烟 吵 黄牛 没有说法 涨了",
    },
    RequestType.HELP: {
        3: "求助",
        2: "摔倒 塌 返水 冰凉 没有暖气 没水 没电 被困 淹 受伤 联系不上家属 帮忙 救援 不热 漏水 停水 停电 堵了 "
           "堵塞 坏了 爆裂 困人 走失 煤气味 进水 疏通",
        1: "倒了 异味 冻 压住 发黄 维修 危险 着急 丢了",
    },
    RequestType.CONSULTATION: {
        3: "咨询",
        2: "多长时间 多少钱 请问 想知道 怎么办理 条件是什么 需要什么 什么手续 什么政策 去哪个",
        1: "了解 哪里 标准 吗 ？ ? 手续 材料 补办 要交 几个 怎么 如何 哪些 什么时候 几号 多久 是多少 有没有 开不开 "
           "截止 政策 流程",
    },
}
CUES = {kind: [(word, weight) for weight, words in by_weight.items() for word in words.split()]
        for kind, by_weight in CUE_WORDS.items()}
TYPE_ORDER = [RequestType.PRAISE, RequestType.REPORT, RequestType.COMPLAINT, RequestType.SUGGESTION,
              RequestType.HELP, RequestType.CONSULTATION]


def suggest_request_type(text):
    """(RequestType, the cue words found) for the text, or (None, []) when no cue is in it."""
    text = normalize(text)
    best, best_score, best_cues = None, 0, []
    for kind in TYPE_ORDER:
        found = [word for word, _ in CUES[kind] if word in text]
        score = sum(weight for word, weight in CUES[kind] if word in text)
        if score > best_score:
            best, best_score, best_cues = kind, score, found
    return best, best_cues
