"""The weighted scoring rubric for proposals (weights sum to 100)."""

from django.utils.translation import get_language

RUBRIC = (
    ("need_fit", "需求契合度", "Fit to the need", 25),
    ("approach", "服务方案", "Service approach", 25),
    ("team", "团队能力", "Team capability", 20),
    ("budget", "预算合理性", "Budget soundness", 15),
    ("track_record", "过往绩效", "Track record", 15),
)
RUBRIC_WEIGHTS = {code: weight for code, _zh, _en, weight in RUBRIC}


def rubric_items() -> list[dict]:
    english = (get_language() or "").startswith("en")
    return [{"code": c, "name": en if english else zh, "weight": w} for c, zh, en, w in RUBRIC]
