"""SIPOC + Outcome checks (rapport.raci.sipoc.sipoc_check): pure logic, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.raci.sipoc import (
    SIPOC_CODES,
    Customer,
    Outcome,
    Output,
    Produces,
    Serves,
    SipocFinding,
    sipoc_check,
)

# The pizzeria: the pizza is the output, the evening out is the outcome the diners want.
PIZZA = Output("pizza", "Deep-dish pizza")
TABLE = Output("table", "Table with a checkered cloth and a candle")
EVENING = Outcome("evening", "A Chicago-style evening out")
PROFIT = Outcome("profit", "Margin above 20%")
DINERS = Customer("diners", "Diners")
OWNER = Customer("owner", "Restaurant owner")

OUTPUTS = (PIZZA, TABLE)
OUTCOMES = (EVENING, PROFIT)
CUSTOMERS = (DINERS, OWNER)
LINKS = (
    Produces("pizza", "evening"),
    Produces("table", "evening"),
    Produces("pizza", "profit"),
    Serves("evening", "diners"),
    Serves("profit", "owner"),
)


def check(outputs=OUTPUTS, outcomes=OUTCOMES, customers=CUSTOMERS, links=LINKS):
    return sipoc_check(outputs, outcomes, customers, links)


def without(links, link):
    return [each for each in links if each != link]


def test_a_complete_chain_has_no_findings():
    assert check() == []


# -- output-without-customer ----------------------------------------------------------------


def test_it_warns_about_an_output_that_produces_no_outcome():
    menu = Output("menu", "Laminated menu")
    findings = check(outputs=(*OUTPUTS, menu))
    assert [(f.code, f.severity, f.output_id) for f in findings] == [
        ("output-without-customer", "warning", "menu")
    ]
    assert (
        "Output 'Laminated menu' reaches no customer: it produces no outcome" in findings[0].message
    )


def test_it_warns_about_an_output_whose_outcomes_serve_nobody():
    links = without(LINKS, Serves("evening", "diners"))
    findings = check(links=links)
    # The table only makes the evening, which now serves nobody; the pizza still makes profit.
    assert [(f.code, f.output_id) for f in findings] == [
        ("output-without-customer", "table"),
        ("customer-without-outcome", None),
    ]
    assert "none of the outcomes it produces serves a customer" in findings[0].message


def test_an_output_reaching_one_customer_through_one_of_its_outcomes_is_enough():
    assert "output-without-customer" not in [f.code for f in check()]


# -- outcome-not-produced -------------------------------------------------------------------


def test_it_warns_about_an_outcome_no_output_produces():
    links = without(LINKS, Produces("pizza", "profit"))
    findings = check(links=links)
    assert [(f.code, f.outcome_id) for f in findings] == [("outcome-not-produced", "profit")]
    assert "No output produces the outcome 'Margin above 20%'" in findings[0].message


def test_an_outcome_produced_by_any_output_is_not_flagged():
    assert "outcome-not-produced" not in [f.code for f in check()]


# -- customer-without-outcome ---------------------------------------------------------------


def test_it_warns_about_a_customer_no_outcome_serves():
    inspector = Customer("inspector", "Health inspector")
    findings = check(customers=(*CUSTOMERS, inspector))
    assert [(f.code, f.customer_id) for f in findings] == [
        ("customer-without-outcome", "inspector")
    ]
    assert "Customer 'Health inspector' has no outcome" in findings[0].message


def test_a_customer_with_an_outcome_is_not_flagged():
    assert "customer-without-outcome" not in [f.code for f in check()]


# -- as data, order, bad input ---------------------------------------------------------------


def test_a_sipoc_finding_turns_into_a_dict_naming_its_subject():
    finding = check(outcomes=(*OUTCOMES, Outcome("calm", "A quiet room")))[0]
    assert finding.to_dict() == {
        "code": "outcome-not-produced",
        "severity": "warning",
        "output": None,
        "outcome": "A quiet room",
        "customer": None,
        "message": finding.message,
    }
    assert isinstance(finding, SipocFinding)


def test_findings_come_outputs_then_outcomes_then_customers():
    findings = check(links=())
    assert [f.code for f in findings] == [
        "output-without-customer",
        "output-without-customer",
        "outcome-not-produced",
        "outcome-not-produced",
        "customer-without-outcome",
        "customer-without-outcome",
    ]


def test_nothing_in_gives_nothing_out():
    assert sipoc_check((), (), (), ()) == []


@pytest.mark.parametrize(
    ("link", "named"),
    [
        (Produces("soup", "evening"), "output 'soup'"),
        (Produces("pizza", "fame"), "outcome 'fame'"),
        (Serves("fame", "diners"), "outcome 'fame'"),
        (Serves("evening", "critic"), "customer 'critic'"),
    ],
)
def test_it_rejects_a_link_to_something_not_given(link, named):
    with pytest.raises(ValueError, match=named):
        check(links=(*LINKS, link))


def test_it_rejects_a_link_of_another_kind_and_repeated_ids():
    with pytest.raises(ValueError, match="Produces or Serves"):
        check(links=(("pizza", "evening"),))
    with pytest.raises(ValueError, match="Two outputs have the id 'pizza'"):
        check(outputs=(*OUTPUTS, PIZZA))


def test_ids_may_coincide_across_outputs_outcomes_and_customers():
    findings = sipoc_check(
        [Output(1, "Report")], [Outcome(1, "Informed board")], [Customer(1, "Board")], []
    )
    assert [(f.code, f.output_id, f.outcome_id, f.customer_id) for f in findings] == [
        ("output-without-customer", 1, None, None),
        ("outcome-not-produced", None, 1, None),
        ("customer-without-outcome", None, None, 1),
    ]


@st.composite
def chains(draw):
    outputs = [Output(f"out{i}", f"Output {i}") for i in range(draw(st.integers(0, 5)))]
    outcomes = [Outcome(f"oc{i}", f"Outcome {i}") for i in range(draw(st.integers(0, 5)))]
    customers = [Customer(f"c{i}", f"Customer {i}") for i in range(draw(st.integers(0, 5)))]
    links = []
    if outputs and outcomes:
        links += [
            Produces(o.id, oc.id)
            for o, oc in draw(
                st.lists(st.tuples(st.sampled_from(outputs), st.sampled_from(outcomes)))
            )
        ]
    if outcomes and customers:
        links += [
            Serves(oc.id, c.id)
            for oc, c in draw(
                st.lists(st.tuples(st.sampled_from(outcomes), st.sampled_from(customers)))
            )
        ]
    return outputs, outcomes, customers, links


@given(chains(), st.data())
def test_sipoc_findings_do_not_depend_on_the_order_of_links(chain, data):
    outputs, outcomes, customers, links = chain
    shuffled = data.draw(st.permutations(links))
    assert sipoc_check(outputs, outcomes, customers, shuffled) == sipoc_check(*chain)


@given(chains())
def test_sipoc_findings_match_the_definitions(chain):
    outputs, outcomes, customers, links = chain
    produces = {(link.output_id, link.outcome_id) for link in links if isinstance(link, Produces)}
    serves = {(link.outcome_id, link.customer_id) for link in links if isinstance(link, Serves)}
    reaching = {o for o, oc in produces if any(oc == s for s, _ in serves)}
    found = {(f.code, f.output_id or f.outcome_id or f.customer_id) for f in sipoc_check(*chain)}
    expected = (
        {("output-without-customer", o.id) for o in outputs if o.id not in reaching}
        | {
            ("outcome-not-produced", oc.id)
            for oc in outcomes
            if oc.id not in {x for _, x in produces}
        }
        | {
            ("customer-without-outcome", c.id)
            for c in customers
            if c.id not in {x for _, x in serves}
        }
    )
    assert found == expected
    assert {code for code, _ in found} <= set(SIPOC_CODES)
