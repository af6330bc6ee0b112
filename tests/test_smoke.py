def test_landing_lists_active_members(client, world):
    page = client.get("/").get_data(as_text=True)
    assert "Baltā māja" in page
    assert "Jaunā biedrība" not in page  # applied, not yet a member


def test_healthz_reports_database(client, backend):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["database"]["engine"] == backend
    assert body["database"]["revision"]
