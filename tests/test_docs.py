"""The guides hold together: every relative link leads to a file (and heading) that exists, and
no guide speaks of internal issue numbers a reader cannot look up."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDES = sorted(
    [
        ROOT / "README.md",
        ROOT / "SECURITY.md",
        ROOT / "bench" / "README.md",
        *(ROOT / "docs").glob("*.md"),
    ]
)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
ISSUE = re.compile(r"\bissues? #?\d+", re.I)


def _prose(text: str) -> str:
    """The text outside code blocks and code spans, where links are links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation and symbols dropped (Thai vowel
    and tone marks kept), spaces to hyphens."""
    kept = "".join(
        c for c in heading.lower() if c in "-_ " or unicodedata.category(c)[0] not in "PS"
    )
    return kept.strip().replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    found: set[str] = set()
    for line in FENCE.sub("", path.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"#{1,6} +(.*)", line)
        if match:
            base = _anchor(match.group(1).strip())
            name, n = base, 0
            while name in found:
                n += 1
                name = f"{base}-{n}"
            found.add(name)
    return found


def _links(path: Path) -> list[str]:
    return LINK.findall(_prose(path.read_text(encoding="utf-8")))


def test_there_are_guides_to_check():
    assert (ROOT / "docs").is_dir()
    assert len(GUIDES) >= 8


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_somewhere(guide: Path):
    broken = []
    for target in _links(guide):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto: and the like
        file_part, _, fragment = target.partition("#")
        dest = (guide.parent / file_part).resolve() if file_part else guide
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif fragment and dest.suffix == ".md" and fragment not in _anchors(dest):
            broken.append(f"{target}: no such heading")
    assert broken == [], f"{guide.relative_to(ROOT)}: {broken}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_guide_mentions_internal_issue_numbers(guide: Path):
    found = ISSUE.findall(guide.read_text(encoding="utf-8"))
    assert found == [], f"{guide.relative_to(ROOT)} mentions {found}"


def test_the_link_checker_sees_a_broken_link_and_a_wrong_heading(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(
        "# Top\n\n## Going live (ภาษาไทย)\n\n[ok](#going-live-ภาษาไทย) [bad](gone.md) "
        "`[code](ignored.md)`\n\n```\n[fenced](ignored.md)\n```\n",
        encoding="utf-8",
    )
    assert _links(guide) == ["#going-live-ภาษาไทย", "gone.md"]
    assert "going-live-ภาษาไทย" in _anchors(guide)
    assert _anchor("`complaintbot doctor`") == "complaintbot-doctor"
    assert ISSUE.search("Staff in the chat (issue 9)")
