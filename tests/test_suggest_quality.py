"""The catalog suggester on complaints as citizens write them: never empty, first levels right, honest figures."""

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command

from dispatch.catalog.services import load_starter
from hotline.suggest import evaluation, store, suggest_leaves
from hotline.suggest.catalog_model import LEAF_WEIGHT


@pytest.fixture
def starter(directory, settings, tmp_path):
    settings.SUGGEST_MODEL_DIR = tmp_path / "models"
    store.clear_cache()
    version, _ = load_starter(force=True)
    yield version
    store.clear_cache()


# Written for this test (not from any data set): one plain complaint per first level, as a caller would put it.
CLEAR_COMPLAINTS = [
    ("公司已经三个月没发工资了，老板一直拖着不给，我们要求劳动监察介入", "劳动和社会保障"),
    ("单位没有给我交社保和医保，离职的时候才发现断缴了两年", "劳动和社会保障"),
    ("小区楼下的路灯坏了一个多月，晚上出门黑漆漆的，物业也不管", "城乡建设"),
    ("孩子学校的食堂饭菜质量差，老师还变相收补课费，家长意见很大", "教育文体"),
    ("社区卫生服务中心的医生态度恶劣，看病排队三个小时，药价还高", "卫生计生"),
    ("出租车司机不打表还绕路，到了目的地多收了五十块钱", "交通运输"),
    ("地铁早高峰又延误了半小时，站务人员也不解释，上班全迟到", "交通运输"),
    ("超市卖过期食品，投诉商家退换货也不给处理，明码标价也是乱标", "商贸旅游"),
    ("景区门票涨价又强制购物，旅游团导游辱骂游客", "商贸旅游"),
    ("附近化工厂晚上偷偷排放废气，气味刺鼻，河水也被污染发黑", "环境保护"),
]


def test_a_readable_message_without_any_known_word_still_gets_three_suggestions(starter):
    for text in ["犇骉", "zqxv wkpj", "12345"]:
        suggestions = suggest_leaves(text)
        assert len(suggestions) == 3, text
        assert all(item.is_leaf for item, _ in suggestions)
        assert all(0 < score <= 1 - LEAF_WEIGHT for _, score in suggestions)  # low: a guess, not a match
    assert suggest_leaves("？？？……") == []  # nothing to read at all
    assert suggest_leaves("犇骉", fallback=False) == []  # for a caller that wants no guess (knowledge search)


def test_clear_complaints_get_their_first_level_without_any_labelled_training(starter):
    model = store.load_model()  # catalog only: no closed ticket, no labelled file
    assert model.trained_on["labelled"] == 0 and model.trained_on["tickets"] == 0
    top3 = {text: [g for g, _ in model.top_groups(text, lambda leaf: leaf.level1, 3)] for text, _ in CLEAR_COMPLAINTS}
    first = [text for text, label in CLEAR_COMPLAINTS if top3[text][0] == label]
    assert len(first) >= len(CLEAR_COMPLAINTS) - 1, {t: top3[t] for t, _ in CLEAR_COMPLAINTS if t not in first}
    assert all(label in top3[text] for text, label in CLEAR_COMPLAINTS)


def test_fast_vectorize_matches_the_vectorizer(starter):
    model = store.load_model()
    for text, _ in CLEAR_COMPLAINTS + [("暖气不热暖气不热，暖气片冰凉", "")]:
        expected = model.vectorizer.transform([text]).toarray()
        assert np.allclose(model.vectorize(text).toarray(), expected, atol=1e-6)


def test_training_without_the_labelled_file_works_and_says_so(starter, settings, capsys, tmp_path):
    settings.SUGGEST_LABELLED_CSV = [tmp_path / "absent.csv"]
    call_command("train_suggester")
    out = capsys.readouterr().out
    assert "带标注诉求 0 条（无）" in out and f"catalog-v{starter.number}-" in out
    store.clear_cache()
    assert suggest_leaves("路灯坏了晚上很黑")[0][0].name == "路灯不亮"


def test_a_labelled_file_teaches_first_levels_to_the_trained_model(starter, settings, capsys, tmp_path):
    labelled = tmp_path / "labelled.csv"
    wording = "嘀嘀嘀嗒嗒嗒咕噜噜"  # a made-up wording the catalog cannot know
    labelled.write_text("text,label\n" + "".join(f"{wording}{i},交通运输\n" for i in range(6)), encoding="utf-8")
    settings.SUGGEST_LABELLED_CSV = [labelled]
    call_command("train_suggester", "--catalog-only")
    assert "带标注诉求 6 条" in capsys.readouterr().out
    store.clear_cache()
    assert suggest_leaves(wording + "又来了")[0][0].parent.parent.name == "交通运输"
    call_command("train_suggester", "--catalog-only", "--no-labelled")
    assert "带标注诉求 0 条" in capsys.readouterr().out


def test_cross_validation_never_scores_a_row_with_a_model_that_saw_it(starter):
    rows = [(f"{text}（第{i}条）", label) for i in range(2) for text, label in CLEAR_COMPLAINTS]
    seen_in_training = []
    leaves, _ = store.leaves_of(starter)

    def train(train_rows):
        seen_in_training.append({text for text, _ in train_rows})
        return store.train(starter, with_tickets=False, examples=evaluation.training_examples(train_rows, leaves))

    report = evaluation.cross_validate(rows, train, folds=2, repeats=2)
    assert report.rows == 2 * len(rows) and len(seen_in_training) == 4
    for repeat in range(2):
        first, second = seen_in_training[2 * repeat:2 * repeat + 2]
        assert not first & second and first | second == {text for text, _ in rows}
    assert sum(report.confusion.values()) == report.rows


def test_evaluate_command_prints_both_honest_figures_and_the_confusions(starter, capsys, tmp_path):
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("text,label\n" + "".join(f"{t},{label}\n" for t, label in CLEAR_COMPLAINTS * 2),
                        encoding="utf-8")
    call_command("evaluate_suggester", str(csv_path), "--cross-validate", "2", "--repeats", "2")
    out = capsys.readouterr().out
    assert "① 不用该文件训练" in out and "② 分层 2 折交叉验证 × 2" in out
    assert "样本 20 条" in out and "样本 40 条" in out and "无推荐：0 条" in out
    assert "交通运输：4 条" in out and "一级分类混淆" in out


DEV_CSV = Path(settings.SHARED_DATA_DIR) / "complaints_dev.csv"


@pytest.mark.skipif(not DEV_CSV.is_file(), reason=f"the third-party dev set {DEV_CSV} is absent (../shared/data)")
def test_real_complaints_without_training_on_them(starter):
    """The catalog-only model (this test database has no closed tickets) on real messages it never saw."""
    report = evaluation.evaluate(store.load_model(), evaluation.read_labelled_csv(DEV_CSV))
    assert report.rows > 200 and report.empty == 0
    assert report.accuracy(1) >= 0.8 and report.accuracy(3) >= 0.94


def test_catalog_terms_cut_as_one_word_for_the_suggester_only():
    from hotline.suggest.text import CatalogAnalyzer, analyze

    text = "我家楼下的嘀嗒出行停车点总是乱停"
    assert "嘀嗒出行" in CatalogAnalyzer(["嘀嗒出行", "停车点"])(text)
    assert "嘀嗒出行" not in analyze(text)  # the shared analyze() (knowledge base, addresses) is left as it was
