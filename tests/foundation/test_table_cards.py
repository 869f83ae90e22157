"""Tables as cards on a phone (#20): ``{% tables_as_cards %}`` labels each cell with its column's
name on the server, which the stylesheet shows before the value below 600 px."""

from django.template import Context, Template


def _render(body: str) -> str:
    return Template("{% load sanshe_tables %}{% tables_as_cards %}" + body + "{% endtables_as_cards %}").render(
        Context()
    )


def test_each_cell_is_labelled_with_its_column_name():
    html = _render(
        "<table><thead><tr><th>#</th><th>问题<span class='visually-hidden'>类别</span></th><th>状态</th>"
        "<th></th></tr></thead><tbody><tr><td>1</td><td>垃圾清运</td><td>已上报</td>"
        "<td><button>派单</button></td></tr></tbody></table>"
    )
    assert html.startswith("<table data-cards>")
    assert '<td data-label="#">1</td>' in html
    assert '<td data-label="问题 类别">垃圾清运</td>' in html
    assert '<td data-label="状态">已上报</td>' in html
    assert "<td><button>派单</button></td>" in html  # a column without a name: no label


def test_row_headers_spans_and_labels_already_given_are_respected():
    html = _render(
        '<table class="x"><thead><tr><th colspan="2">Who &amp; "where"</th><th>Total</th></tr></thead><tbody>'
        '<tr><th scope="row">A</th><td>B</td><td data-label="Sum">3</td></tr>'
        '<tr><td colspan="3">No rows yet.</td></tr></tbody></table>'
    )
    assert html.startswith('<table data-cards class="x">')
    assert '<td data-label="Who &amp; &quot;where&quot;">B</td>' in html
    assert '<td data-label="Sum">3</td>' in html
    assert '<td colspan="3">No rows yet.</td>' in html


def test_narrow_tables_and_tables_without_a_header_stay_tables():
    two_columns = "<table><thead><tr><th>Item</th><th>Amount</th></tr></thead><tbody><tr><td>a</td><td>1</td></tr></tbody></table>"
    no_header = "<table><tr><td>a</td><td>b</td><td>c</td></tr></table>"
    assert _render(two_columns) == two_columns
    assert _render(no_header) == no_header


def test_a_blank_cell_is_left_empty_so_its_card_line_is_hidden():
    html = _render(
        "<table><thead><tr><th>a</th><th>b</th><th>c</th></tr></thead><tr><td>1</td><td>\n  </td><td>3</td></tr></table>"
    )
    assert '<td data-label="b"></td>' in html
