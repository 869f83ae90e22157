"""Numbers people can read (#20): the template builtins for money, rates and durations."""

from decimal import Decimal

from django.template import engines
from django.utils import translation

from apps.bidding.templatetags import bidding_tags
from apps.core.templatetags.sanshe_format import fen_yuan, hours, hours_minutes, percent, signed_yuan, yuan


def test_yuan_groups_thousands_and_keeps_two_decimals():
    assert yuan(Decimal("1234.5")) == "¥1,234.50"
    assert yuan("48000.00") == "¥48,000.00"
    assert yuan(7) == "¥7.00"
    assert yuan("1234567.891") == "¥1,234,567.89"


def test_yuan_of_a_negative_amount_puts_the_sign_before_the_symbol():
    assert yuan(Decimal("-1234.50")) == "-¥1,234.50"
    assert yuan("-0.01") == "-¥0.01"


def test_yuan_of_none_is_empty_and_of_text_is_left_as_it_was():
    assert yuan(None) == ""
    assert yuan("") == ""
    assert yuan("n/a") == "n/a"


def test_signed_yuan_shows_plus_for_money_in_and_minus_for_money_out():
    assert signed_yuan("48000") == "+¥48,000.00"
    assert signed_yuan(Decimal("-48000.00")) == "-¥48,000.00"
    assert signed_yuan("0") == "¥0.00"
    assert signed_yuan(None) == ""


def test_fen_yuan_reads_whole_fen():
    assert fen_yuan(123450) == "¥1,234.50"
    assert fen_yuan(-5) == "-¥0.05"
    assert fen_yuan("4800000") == "¥48,000.00"
    assert fen_yuan(None) == ""


def test_percent_of_a_rate():
    assert percent("0.95") == "95%"
    assert percent("1.000") == "100%"
    assert percent(Decimal("0.0")) == "0%"
    assert percent("0.955", 1) == "95.5%"
    assert percent("-0.25") == "-25%"
    assert percent(None) == ""


def test_hours_carry_their_unit_in_each_language():
    with translation.override("zh-hans"):
        assert hours("29.00") == "29 小时"
        assert hours(Decimal("7.50")) == "7.5 小时"
        assert hours_minutes(48 * 60 + 12) == "48 小时 12 分"
    with translation.override("en"):
        assert hours("29") == "29 h"
        assert hours_minutes(-(48 * 60 + 12)) == "48 h 12 min"
    assert hours(None) == ""


def test_filters_are_builtins_and_bidding_keeps_its_yuan():
    template = engines["django"].from_string("{{ a|yuan }} {{ r|percent }} {{ f|fen_yuan }} {{ d|signed_yuan }}")
    assert template.render({"a": "1234.5", "r": "0.5", "f": 100, "d": "-3"}) == "¥1,234.50 50% ¥1.00 -¥3.00"
    assert bidding_tags.register.filters["yuan"]("1234.5") == "¥1,234.50"
