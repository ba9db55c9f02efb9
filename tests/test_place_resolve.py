"""A citizen names the place of their matter: typed in Thai, misspelt, or as a pin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from handlers.hosting import place_resolve
from handlers.hosting.place_resolve import resolve_point, resolve_text
from storage.hosting import org_map
from tests.place_fixture import load_map


@pytest.fixture
def host(engine):
    """A session on the Phrae map (each test's reads end before another writes)."""
    ids = load_map(engine)
    with Session(engine) as session:
        yield session, ids
        session.rollback()


def commit_reads(session: Session) -> None:
    """End the reading transaction (SQLite lets one writer in only when no one else holds one)."""
    session.rollback()


def exact(session, text: str) -> tuple[str, str, str] | None:
    found = resolve_text(session, text).exact
    return (found.subdistrict_code, found.district_th, found.org_name) if found else None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ป่าแดง", "540104"),  # as written
        ("ต.ในเวียง", "540101"),  # the short prefix
        ("ตำบล หัวฝาย", "540403"),  # the long prefix and a space
        ("ปาแดง", "540104"),  # a dropped tone mark
        ("หัวฝ่าย", "540403"),  # an added tone mark
        ("สุงเม่น", "540401"),  # a short vowel for the long one
        ("เวืยงทอง", "540411"),  # a wrong vowel
        ("บ้านกาส", "540408"),  # one wrong consonant (ศ → ส)
        ("บ้านกศา", "540408"),  # two letters swapped
        ("ป่า แดง", "540104"),  # an extra space
        ("ในเวียง ถนนหน้าบ้านเป็นหลุม", "540101"),  # the name, then the matter
    ],
)
def test_a_tambon_typed_with_slips_is_found(host, typed, code):
    session, _ = host
    found = exact(session, typed)
    assert found is not None and found[0] == code


def test_a_name_in_two_districts_offers_both_with_their_district(host):
    session, _ids = host
    result = resolve_text(session, "น้ำชำ")
    assert result.exact is None
    found = [
        (p.subdistrict_code, p.district_th, p.province_th, p.org_name) for p in result.candidates
    ]
    assert found == [
        ("540103", "เมืองแพร่", "แพร่", "องค์การบริหารส่วนตำบลน้ำชำ"),
        ("540402", "สูงเม่น", "แพร่", "เทศบาลตำบลสูงเม่น"),
    ]  # fmt: skip


@pytest.mark.parametrize("typed", ["ต.น้ำชำ อ.สูงเม่น", "น้ำชำ สูงเม่น", "ตำบลน้ำชำ อำเภอสูงเมน"])
def test_the_district_narrows_a_shared_name(host, typed):
    session, _ids = host
    assert exact(session, typed) == ("540402", "สูงเม่น", "เทศบาลตำบลสูงเม่น")


def test_a_tambon_served_by_two_organisations_offers_both(host):
    session, ids = host
    result = resolve_text(session, "ทุ่งโฮง")  # misspelt, too
    assert result.exact is None
    assert {(p.subdistrict_code, p.org_id) for p in result.candidates} == {
        ("540105", ids["muangphrae"]), ("540105", ids["namcham"]),
    }  # fmt: skip


def test_a_district_gives_its_mapped_tambons(host):
    session, _ids = host
    result = resolve_text(session, "อ.สูงเม่น")
    assert result.exact is None
    assert sorted(p.subdistrict_code for p in result.candidates) == [
        "540401", "540402", "540403", "540408", "540411",
    ]  # fmt: skip
    capital = resolve_text(session, "อำเภอเมือง")  # "เมือง" is the province's capital district
    assert {p.district_th for p in capital.candidates} == {"เมืองแพร่"}
    assert len(capital.candidates) == 5


def test_only_the_hosts_tambons_are_offered(host):
    session, _ = host
    assert resolve_text(session, "บางรัก").candidates == []  # a real tambon, not mapped here
    assert resolve_text(session, "ร่องกาศ").exact is None  # unmapped neighbour of บ้านกาศ
    assert resolve_text(session, "สวัสดีค่ะ").candidates == []
    assert resolve_text(session, "   ").candidates == []


def test_a_pin_finds_the_nearest_mapped_tambons(host):
    session, ids = host
    near = resolve_point(session, 18.07, 100.20)
    assert [p.subdistrict_code for p in near] == ["540104", "540103", "540101"]
    assert near[0].org_id == ids["namcham"] and near[0].distance_km < 1
    assert near[0].distance_km < near[1].distance_km < near[2].distance_km
    far = resolve_point(session, 13.75, 100.50, limit=1)  # Bangkok: still the nearest, far off
    assert far[0].distance_km > 400


def test_a_new_import_is_seen_at_once(host, tmp_path):
    session, _ = host
    assert resolve_text(session, "บ้านปง").candidates == []
    commit_reads(session)
    more = tmp_path / "more.csv"
    more.write_text("org,subdistrict_code\nsungmen,540407\n", encoding="utf-8")
    with Session(session.get_bind()) as other, other.begin():
        org_map.import_map(other, more)
    assert exact(session, "บ้านปง") == ("540407", "สูงเม่น", "เทศบาลตำบลสูงเม่น")
    assert resolve_text(session, "หัวฝาย").candidates == []  # sungmen's old rows are replaced


def test_another_processs_import_is_seen_by_the_fingerprint(host, monkeypatch):
    session, _ = host
    assert resolve_text(session, "หัวฝาย").exact is not None
    commit_reads(session)
    with Session(session.get_bind()) as other, other.begin():  # as another process would
        from sqlmodel import delete

        from storage.hosting.place_models import PlaceOrg

        other.exec(delete(PlaceOrg).where(PlaceOrg.subdistrict_code == "540403"))
    monkeypatch.setattr(place_resolve, "RECHECK_SECONDS", 0.0)
    assert resolve_text(session, "หัวฝาย").candidates == []


def test_edit_distance_counts_a_swap_as_one():
    assert place_resolve.distance("abcd", "abdc") == 1
    assert place_resolve.distance("abcd", "abcd") == 0
    assert place_resolve.distance("abcd", "wxyz", limit=2) == 3


def _reference_distance(a: str, b: str) -> int:
    """Textbook optimal string alignment distance, for checking the banded one."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(
                d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@settings(max_examples=400, deadline=None)
@given(st.text("กขคา่", max_size=8), st.text("กขคา่", max_size=8), st.integers(1, 3))
def test_the_banded_distance_agrees_with_the_textbook_one(a, b, limit):
    want = _reference_distance(a, b)
    assert place_resolve.distance(a, b, limit) == min(want, limit + 1)
    assert place_resolve.within_one(a, b) == (want <= 1)
