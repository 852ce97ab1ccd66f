"""The inspector's pages over in-memory use cases: what a product manager sees of a model,
its beliefs' histories and their provenance, and that user text is shown, never run."""

from __future__ import annotations

import re

import httpx2
import pytest

from service.auth import FixedTenantAuthenticator
from service.domain.model import BeliefState
from service.inspector.app import build_app
from tests.unit.html_tree import Element, parse
from tests.unit.inspector_fake import FakeReads, adaptation, observation

pytestmark = pytest.mark.asyncio

TENANT = "default"


async def get(fake: FakeReads, path: str) -> httpx2.Response:
    app = build_app(fake.reads(), FixedTenantAuthenticator(TENANT))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1:8080"
    ) as http:
        return await http.get(path)


def by_testid(page: str, testid: str) -> list[Element]:
    return parse(page).find_all(testid)


async def test_the_model_page_shows_each_belief_with_its_confidence_context_and_state() -> None:
    fake = FakeReads(TENANT)
    model = fake.add_model("u-42", "acme-writer")
    fake.add_belief(model, "Prefers concise output formats", [0.6, 0.69, 0.62])
    fake.add_belief(model, "Likes dark mode", [0.6, 0.3], state=BeliefState.RETRACTED)
    response = await get(fake, f"/models/{model.id}")
    assert response.status_code == 200
    rows = [
        (
            row.find("belief-statement").text(),
            row.find("belief-confidence").text(),
            row.find("belief-context").text(),
            row.find("belief-state").text(),
        )
        for row in by_testid(response.text, "belief-row")
    ]
    assert rows == [
        ("Prefers concise output formats", "0.62", "reports", "active"),
        ("Likes dark mode", "0.30", "reports", "retracted"),
    ]
    assert by_testid(response.text, "model-title")[0].text() == "u-42"


async def test_each_belief_has_a_chart_with_one_dot_per_version_over_all_pages() -> None:
    fake = FakeReads(TENANT)
    fake.version_page_size = 2  # the page reads every page of versions, not just the first
    model = fake.add_model("u-42", "acme-writer")
    five = fake.add_belief(model, "Prefers tables", [0.6, 0.7, 0.65, 0.72, 0.8])
    one = fake.add_belief(model, "Reads at night", [0.6])
    page = (await get(fake, f"/models/{model.id}")).text
    for stored, count in ((five, 5), (one, 1)):
        (chart,) = by_testid(page, f"chart-{stored.belief.id}")
        dots = [e for e in chart.walk() if e.tag == "circle" and "dot" in e.attrs["class"].split()]
        assert len(dots) == count


async def test_the_model_page_lists_the_adaptations_active_and_cold() -> None:
    fake = FakeReads(TENANT)
    model = fake.add_model("u-42", "acme-writer")
    fake.adaptation_list = [
        adaptation("list_format", "Prefers bullet points", 0.81, active=True),
        adaptation("formal_tone", "Prefers a formal tone", 0.5, active=False),
    ]
    page = (await get(fake, f"/models/{model.id}")).text
    states = {
        row.get("data-key"): row.find("adaptation-state").text()
        for row in by_testid(page, "adaptation-row")
    }
    assert states == {"list_format": "active", "formal_tone": "cold"}
    assert "Use bullet points" in page


async def test_the_belief_page_lists_the_observations_for_and_against_it() -> None:
    fake = FakeReads(TENANT)
    model = fake.add_model("u-42", "acme-writer")
    stored = fake.add_belief(model, "Prefers concise output formats", [0.6, 0.69, 0.62])
    stored.supporting = [observation(model, "Chose bullets", 1), observation(model, "Cut it", 2)]
    stored.contradicting = [observation(model, "Asked for the long version", 3)]
    response = await get(fake, f"/models/{model.id}/beliefs/{stored.belief.id}")
    assert response.status_code == 200
    evidence = [
        (row.get("data-side"), row.find("evidence-content").text())
        for row in by_testid(response.text, "evidence")
    ]
    assert evidence == [
        ("for", "for Chose bullets"),
        ("for", "for Cut it"),
        ("against", "against Asked for the long version"),
    ]
    assert len(by_testid(response.text, "version-row")) == 3


async def test_user_text_is_escaped_and_the_pages_run_no_script() -> None:
    fake = FakeReads(TENANT)
    model = fake.add_model('<img src=x onerror="alert(1)">', "acme-writer")
    hostile = "<script>alert('statement')</script>"
    stored = fake.add_belief(model, hostile, [0.6])
    stored.supporting = [observation(model, "</td><script>alert('content')</script>", 1)]
    for path in ("/", f"/models/{model.id}", f"/models/{model.id}/beliefs/{stored.belief.id}"):
        response = await get(fake, path)
        assert response.status_code == 200, path
        assert "<script" not in response.text, path
        assert "<img" not in response.text, path
        assert "default-src 'none'" in response.headers["content-security-policy"]
    page = (await get(fake, f"/models/{model.id}")).text
    assert "&lt;script&gt;alert(&#39;statement&#39;)&lt;/script&gt;" in page


async def test_the_index_pages_through_the_models_and_filters_by_scope() -> None:
    fake = FakeReads(TENANT)
    for number in range(55):
        fake.add_model(f"u-{number}", "acme-writer" if number % 2 else "docs")
    first = await get(fake, "/")
    assert len(by_testid(first.text, "model-row")) == 50
    (next_link,) = by_testid(first.text, "next-page")
    second = await get(fake, str(next_link.get("href")))
    assert len(by_testid(second.text, "model-row")) == 5
    docs = await get(fake, "/?scope=docs")
    assert len(by_testid(docs.text, "model-row")) == 28


async def test_the_lookup_form_opens_the_users_model_or_says_it_is_not_there() -> None:
    fake = FakeReads(TENANT)
    model = fake.add_model("u-42", "acme-writer")
    found = await get(fake, "/lookup?external_user_id=u-42&scope=acme-writer")
    assert found.status_code == 303
    assert found.headers["location"] == f"/models/{model.id}"
    missing = await get(fake, "/lookup?external_user_id=u-43&scope=acme-writer")
    assert missing.status_code == 404
    assert re.search(r"not found", missing.text)


@pytest.mark.parametrize("path", ["/models/nope", "/models/nope/beliefs/nope"])
async def test_an_unknown_model_or_belief_is_404(path: str) -> None:
    fake = FakeReads(TENANT)
    fake.add_model("u-42", "acme-writer")
    response = await get(fake, path)
    assert response.status_code == 404
    assert by_testid(response.text, "error")
