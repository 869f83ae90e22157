from django.utils import translation

from apps.ledger.labels import transfer_memo_display


def test_memos_the_platform_wrote_in_english_read_in_the_page_language():
    with translation.override("zh-hans"):
        assert transfer_memo_display("refund", "refund of RA880-2026-000001") == "捐赠 RA880-2026-000001 的退款"
        assert transfer_memo_display("refund_cover", "refund of RA880-2026-000001 (held)") == (
            "捐赠 RA880-2026-000001 的退款（托管机构垫付）"
        )
        assert transfer_memo_display("stripe_fee", "Stripe fee") == "支付手续费"
        assert transfer_memo_display("grant", "reversal of award:12") == "冲正此前的一笔流水"
    with translation.override("en"):
        assert transfer_memo_display("refund", "refund of RA880-2026-000001") == "Refund of donation RA880-2026-000001"


def test_memos_people_wrote_are_shown_as_written():
    with translation.override("zh-hans"):
        assert transfer_memo_display("income", "年度社区基金注资") == "年度社区基金注资"
        assert transfer_memo_display("refund", "退款说明") == "退款说明"
