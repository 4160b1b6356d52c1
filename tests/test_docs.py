"""The README and the user guide in docs/: every link works inside a clone of the repository, none
leaves it, and every picture they show is there (and small)."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Links to a Rapport running on this machine (the quick start's address) are the only ones allowed
# to use http(s): anything else would send a reader outside the repository.
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MAX_IMAGE_BYTES = 250 * 1024

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
INLINE_LINK = re.compile(
    r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
HTML_TAG = re.compile(r"<(a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"'][^>]*>", re.I)
AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^\s>]+)>", re.I)
BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s)>\]]+|\bwww\.[^\s)>\]]+", re.I)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def prose(text: str) -> str:
    """The text a reader sees as prose: code blocks and code spans are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links_in(text: str) -> list[tuple[str, bool]]:
    """(target, is_image) of every link and picture in markdown text, outside code: inline and
    reference links, HTML <a>/<img>, <autolinks> and bare addresses (which GitHub links too)."""
    text = prose(text)
    found = [(m.group(2), m.group(1) == "!") for m in INLINE_LINK.finditer(text)]
    text = INLINE_LINK.sub(" ", text)
    found += [(m.group(1), False) for m in REFERENCE_DEFINITION.finditer(text)]
    text = REFERENCE_DEFINITION.sub(" ", text)
    found += [(m.group(2), m.group(1).lower() == "img") for m in HTML_TAG.finditer(text)]
    text = HTML_TAG.sub(" ", text)
    found += [(m.group(1), False) for m in AUTOLINK.finditer(text)]
    text = AUTOLINK.sub(" ", text)
    found += [(m.group(0), False) for m in BARE_URL.finditer(text)]
    return found


def leaves_the_repository(target: str, source: Path) -> bool:
    parts = urlsplit(target)
    if target.lower().startswith("www."):
        return True
    if parts.scheme or target.startswith("//"):
        return not (parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS)
    if not parts.path:
        return False
    resolved = (source.parent / unquote(parts.path)).resolve()
    return not resolved.is_relative_to(ROOT)


def anchors_of(path: Path) -> set[str]:
    """The anchors GitHub makes for a markdown file's headings ("RACI and SIPOC + Outcome" ->
    "raci-and-sipoc--outcome"; a repeated heading gets -1, -2, ...)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for match in HEADING.finditer(FENCE.sub("", path.read_text(encoding="utf-8"))):
        heading = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1))
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def broken_links(source: Path, text: str | None = None) -> list[str]:
    """What is wrong with the links of one markdown file (or of `text`, read as if it were that
    file), one line per link."""
    if text is None:
        text = source.read_text(encoding="utf-8")
    problems = []
    for target, is_image in links_in(text):
        where = f"{source.relative_to(ROOT)}: {target}"
        if leaves_the_repository(target, source):
            problems.append(f"{where} leaves the repository")
            continue
        parts = urlsplit(target)
        if parts.scheme:
            continue  # a local Rapport's address
        path = (source.parent / unquote(parts.path)).resolve() if parts.path else source
        if not path.exists():
            problems.append(f"{where}: no such {'image' if is_image else 'file'}")
        elif parts.fragment and path.suffix == ".md" and parts.fragment not in anchors_of(path):
            problems.append(f"{where}: no heading with the anchor #{parts.fragment}")
    return problems


def test_the_readme_and_the_guide_exist():
    names = {p.relative_to(ROOT).as_posix() for p in markdown_files()}
    for page in (
        "docs/index.md",
        "docs/concepts.md",
        "docs/first-hour.md",
        "docs/importing.md",
        "docs/administration.md",
    ):
        assert page in names


@pytest.mark.parametrize("source", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_points_to_a_file_in_the_repository(source):
    assert broken_links(source) == []


def test_the_readme_links_into_the_guide():
    targets = {target for target, _ in links_in((ROOT / "README.md").read_text(encoding="utf-8"))}
    assert "docs/index.md" in targets


def test_every_picture_in_the_guide_is_shown_and_small():
    shown = set()
    for source in markdown_files():
        for target, is_image in links_in(source.read_text(encoding="utf-8")):
            if is_image:
                shown.add((source.parent / unquote(urlsplit(target).path)).resolve())
    pictures = sorted((ROOT / "docs" / "images").glob("*.png"))
    assert pictures, "run `make docs-screenshots`"
    assert [p.name for p in pictures if p.resolve() not in shown] == []
    assert [p.name for p in pictures if p.stat().st_size > MAX_IMAGE_BYTES] == []


def test_the_checker_catches_missing_files_outside_links_and_bad_anchors():
    text = "\n".join(
        [
            "[gone](no-such-page.md) ![gone](images/no-such.png)",
            "[out](https://example.com/) <https://example.org/> see https://example.net/x",
            "[above the clone](../../somewhere.md) [anchor](index.md#no-such-heading)",
            '<img src="images/nor-this.png" alt="">',
            "[fine](index.md) [local](http://127.0.0.1:8000/) `https://in.code/`",
            "```",
            "https://in.a.block/",
            "```",
        ]
    )
    # Judged as if it were a page of docs/.
    problems = broken_links(ROOT / "docs" / "example.md", text)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "no-such-page.md: no such file",
        "images/no-such.png: no such image",
        "https://example.com/ leaves the repository",
        "../../somewhere.md leaves the repository",
        "index.md#no-such-heading: no heading with the anchor #no-such-heading",
        "images/nor-this.png: no such image",
        "https://example.org/ leaves the repository",
        "https://example.net/x leaves the repository",
    ]
