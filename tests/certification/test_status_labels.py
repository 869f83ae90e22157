"""Issue #20: an application's status history names each status, not its code."""


def test_status_history_names_statuses_in_chinese(client, flow, applicant):
    pk = flow.create()
    flow.post(flow.as_applicant, pk, "submit")
    client.force_login(applicant)
    page = client.get(f"/certifications/{pk}/").content.decode()
    assert "草稿 → 已提交" in page
    assert "draft → submitted" not in page and "→ submitted" not in page
