"""Catalog suggestions: starter catalog out of the box, better after closed tickets, files per catalog version."""

from pathlib import Path

import pytest
from django.core.management import call_command

from dispatch.catalog.services import STARTER_CSV, import_catalog, load_starter
from hotline.choices import Channel, Status
from hotline.models import Ticket
from hotline.suggest import evaluation, store, suggest_leaves

SAMPLE = Path(__file__).resolve().parent.parent / "hotline" / "suggest" / "data" / "labelled_sample.csv"


@pytest.fixture
def models_dir(settings, tmp_path):
    settings.SUGGEST_MODEL_DIR = tmp_path / "models"
    store.clear_cache()
    yield settings.SUGGEST_MODEL_DIR
    store.clear_cache()


@pytest.fixture
def starter(directory, models_dir):
    version, _ = load_starter(force=True)
    return version


def close_ticket(leaf, content, user, district, now):
    return Ticket.objects.create(
        status=Status.CLOSED, channel=Channel.PHONE, caller_phone="13800001111", address="朝阳区望京西园三区",
        district=district, content=content, request_type="complaint", catalog_item=leaf, tier="7d",
        received_by=user, received_at=now, closed_at=now,
    )


def test_starter_catalog_suggests_the_heating_leaf_and_writes_a_versioned_file(starter, models_dir):
    suggestions = suggest_leaves("我家暖气片一直不热，屋里只有十五度")
    assert len(suggestions) == 3
    assert "暖气不热" in suggestions[0][0].name
    assert all(item.version_id == starter.pk and item.is_leaf for item, _ in suggestions)
    scores = [score for _, score in suggestions]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1
    files = list(models_dir.glob(f"catalog-v{starter.number}-*.joblib"))
    assert len(files) == 1


def test_unreadable_or_empty_text_gets_no_suggestion(starter):
    assert suggest_leaves("") == []
    assert suggest_leaves("？？？ ...") == []


def test_closed_tickets_teach_the_model_a_wording_the_catalog_lacks(starter, demo_users, directory):
    text = "楼上邻居家的狗天天半夜嚎叫"
    leaf = starter.items.get(level=3, name="邻里噪音")
    before = [item for item, _ in suggest_leaves(text)]
    assert leaf not in before
    now = "2026-01-10T10:00:00+08:00"
    for variant in ["邻居家的狗半夜嚎叫扰民", "楼上养狗天天叫影响休息", "对门的狗整夜叫个不停", "邻居家狗叫声太大"]:
        close_ticket(leaf, variant, demo_users["agent"], directory["110105"], now)
    call_command("train_suggester", stdout=open("/dev/null", "w"))
    assert suggest_leaves(text)[0][0] == leaf


def test_a_new_catalog_version_gets_its_own_model(starter, models_dir):
    suggest_leaves("路灯不亮")
    second = import_catalog(STARTER_CSV, label="第二版", make_current=True)
    assert second.number != starter.number
    item, _ = suggest_leaves("路灯坏了晚上很黑")[0]
    assert item.version_id == second.pk and item.name == "路灯不亮"
    assert len(list(models_dir.glob("catalog-v*.joblib"))) == 2


def test_train_command_reports_what_it_trained_on(starter, capsys):
    call_command("train_suggester", "--catalog-only")
    out = capsys.readouterr().out
    assert "个三级条目" in out and f"catalog-v{starter.number}-" in out


def test_evaluation_on_the_shipped_sample_meets_the_first_level_target(starter):
    model = store.load_model()
    report = evaluation.evaluate(model, evaluation.read_labelled_csv(SAMPLE))
    assert report.rows == 48 and not report.unknown_labels
    assert report.accuracy(3) >= 0.9
    assert report.accuracy(1) <= report.accuracy(3)


def test_evaluation_scores_each_row_at_its_label_level(starter):
    model = store.load_model()
    rows = [("电梯坏了没人修", "城乡建设"), ("电梯坏了没人修", "交通运输"), ("电梯坏了没人修", "0111003"),
            ("电梯坏了没人修", "没有这个分类")]
    report = evaluation.evaluate(model, rows, ks=(1,))
    assert report.rows == 3 and report.unknown_labels == ["没有这个分类"]
    assert report.hits[1] == 2 and report.by_level == {1: 2, 3: 1}


def test_split_keeps_training_and_test_rows_apart():
    rows = [(f"文本{i}", "城乡建设") for i in range(10)]
    train, test = evaluation.split(rows, 0.7, seed=1)
    assert len(train) == 7 and len(test) == 3 and not set(train) & set(test)


def test_evaluate_command_prints_accuracy_and_latency(starter, capsys, tmp_path):
    call_command("evaluate_suggester", str(SAMPLE), "--train-fraction", "0.5", "--seed", "3")
    out = capsys.readouterr().out
    assert "用 24 条样本训练" in out and "top-1 准确率" in out and "top-3 准确率" in out and "p95" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("content,category\n暖气不热,城乡建设\n", encoding="utf-8")
    with pytest.raises(Exception, match="text 和 label"):
        call_command("evaluate_suggester", str(bad))
