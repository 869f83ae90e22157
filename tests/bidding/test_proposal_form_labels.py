"""The sealed-bid form's labels read as labels in both languages: "Title", not "title:"."""

from django.utils import translation

from apps.bidding.forms import ProposalForm


def test_proposal_form_labels_start_with_a_capital_in_english_and_stay_chinese_in_chinese():
    form = ProposalForm()
    with translation.override("en"):
        assert [str(form[f].label) for f in ("title", "summary", "approach", "team")] == [
            "Title",
            "Summary",
            "Approach",
            "Team",
        ]
    with translation.override("zh-hans"):
        labels = [str(form[f].label) for f in ("title", "summary", "approach", "team")]
    assert all(label and not label.isascii() for label in labels), labels
