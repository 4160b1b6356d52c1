"""Tags, search words and a project's keywords: pure rules, no database."""

import pytest

from rapport.lessons import rules


def test_tags_are_lower_case_single_spaced_and_each_once():
    assert rules.normalise_tags(" Estimates,  SPONSOR ;estimates\nVendor  contracts ") == (
        "estimates, sponsor, vendor contracts"
    )
    assert rules.normalise_tags(["A", "b", "a"]) == "a, b"
    assert rules.normalise_tags("") == ""


def test_too_many_or_too_long_tags_are_refused_with_a_message():
    with pytest.raises(ValueError, match="at most 12 tags"):
        rules.normalise_tags(",".join(f"t{i}" for i in range(13)))
    with pytest.raises(ValueError, match="under 40 characters"):
        rules.normalise_tags("x" * 41)


def test_search_words_are_lower_case_each_once_and_bounded():
    assert rules.search_words("Sponsor  sponsor, ESTIMATE!") == ["sponsor", "estimate"]
    assert len(rules.search_words(" ".join(f"w{i}" for i in range(30)))) == 10
    assert rules.search_words("  ,;  ") == []


def test_keywords_skip_stop_words_and_short_words_most_frequent_first():
    words = rules.keywords(["CRM rollout for the sales team", "Sales pipeline and CRM data"])
    assert words == ["crm", "sales", "pipeline", "data"]
    assert rules.keywords(["The new ERP, for 2027", "a b c"]) == ["erp"]
