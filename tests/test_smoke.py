def test_landing_lists_active_members(client, world):
    page = client.get("/").get_data(as_text=True)
    assert "Baltā māja" in page
    assert "Jaunā biedrība" not in page  # applied, not yet a member


def test_healthz_is_alive_and_readyz_reports_the_database_at_head(client, backend):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    body = client.get("/readyz").get_json()
    assert body["status"] == "ok"
    assert body["database"]["engine"] == backend and body["database"]["at_head"] is True
    assert body["database"]["revision"]
