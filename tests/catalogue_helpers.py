"""Helpers of the tests of the catalogue through the web (test_catalogue_publishing.py, _editing, _access,
and the other tests that post the entry form): a filled resource form, counting and reading back entries, a
page's text and flashes, and the fixtures `member`, `other` and `visitor`."""
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db

from .helpers import client_for


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def page(response) -> str:
    return response.get_data(as_text=True)


def fresh(entry):
    db.session.expire_all()
    return db.session.get(type(entry), entry.id)


def flashes(html: str, category: str) -> list[str]:
    return [m.strip() for m in re.findall(rf'<div class="flash {category}"[^>]*>(.*?)</div>', html, re.S)]


def checked(html: str, name: str) -> set[str]:
    """The values of the checked checkboxes called `name`."""
    values = set()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\schecked(\s|>|=)", tag):
            values.add(re.search(r'value="([^"]*)"', tag).group(1))
    return values


RESOURCE_FORM = {
    "kind": "intellectual", "category": "training", "title": "Projektu rakstīšanas darbnīca “Ideja”",
    "description": "Praktiska darbnīca: no idejas līdz pieteikumam Eiropas fondiem. Ņemiet līdzi klēpjdatoru.",
    "municipality": "rezekne", "location": "Atbrīvošanas aleja 93, Rēzekne", "quantity": "25",
    "unit": "dalībnieki", "languages": ["lv", "ltg", "ru"], "terms": "reciprocal",
    "availability": "Sestdienās no oktobra līdz decembrim", "visibility": "public", "format": "hybrid",
    "audience": "NVO valdes locekļi", "handover": "", "value_eur": "35.50", "value_unit": "hour",
    "licence": "CC-BY-SA-4.0",
}


def resource_form(**overrides) -> dict:
    return {**RESOURCE_FORM, **overrides}


@pytest.fixture
def member(app, world):
    c = client_for(app, world.member)
    c.get("/?lang=en")  # messages in English: the assertions read them
    return c


@pytest.fixture
def other(app, world):
    c = client_for(app, world.other_member)
    c.get("/?lang=en")
    return c


@pytest.fixture
def visitor(app, world):
    return client_for(app, None)
