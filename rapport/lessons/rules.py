"""Lessons rules: tags, search words and the words a project's kind of work is described by.
Pure logic, no database."""

import re

MAX_TAGS = 12
MAX_TAG_LENGTH = 40
MAX_SEARCH_WORDS = 10
MAX_WORD_LENGTH = 60
MAX_KEYWORDS = 12

# Words too common to say what a project is about.
STOP_WORDS = frozenset(
    """
    a about after again all also an and any are as at be because been before being between both
    but by can could did do does doing done down during each few for from further had has have
    having he her here him his how i if in into is it its itself just more most my new no nor not
    now of off on once only or other our out over own project projects same she should so some
    such than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your phase
    phases rollout work team plan first second third next last make made get use used using
    """.split()
)

_SEPARATORS = re.compile(r"[,;\n]+")
_WORD = re.compile(r"[\w][\w'+#.-]*", re.UNICODE)


def normalise_tags(value) -> str:
    """Tags as stored: lower case, single spaces, no duplicates, in the order given, joined by
    ", ". Accepts a comma (or semicolon, or line) separated text or a list of tags. Raises
    ValueError with a message a person can act on."""
    items = value if isinstance(value, list | tuple) else _SEPARATORS.split(value or "")
    tags: list[str] = []
    for item in items:
        tag = " ".join(str(item).lower().split()).strip(" .#")
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f"Keep each tag under {MAX_TAG_LENGTH} characters (“{tag[:20]}…”).")
        if "," in tag:
            raise ValueError("A tag cannot contain a comma.")
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"Use at most {MAX_TAGS} tags.")
    return ", ".join(tags)


def tag_list(stored: str) -> list[str]:
    return [t for t in (stored or "").split(", ") if t]


def search_words(text: str) -> list[str]:
    """The words of a search, lower case, each once, at most MAX_SEARCH_WORDS; every word must be
    found (AND)."""
    words: list[str] = []
    for word in _WORD.findall((text or "").lower()):
        word = word.strip(".'-")[:MAX_WORD_LENGTH]
        if word and word not in words:
            words.append(word)
    return words[:MAX_SEARCH_WORDS]


def keywords(texts, *, limit: int = MAX_KEYWORDS) -> list[str]:
    """The words that say what a project is about (its name, description, phases, goals): no
    stop words, no short words, most frequent first, then in the order they appear."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in _WORD.findall((text or "").lower()):
            word = word.strip(".'-")
            if len(word) < 3 or word in STOP_WORDS or word.isdigit():
                continue
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: -counts[w])  # sorted() is stable: first seen wins ties
    return ranked[:limit]
