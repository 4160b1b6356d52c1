"""Promise and expectation pages: thin. Viewers read; contributors record promises, deliveries,
renegotiations and expectations."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.accounts.access import org_view, project_view
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate
from rapport.stakeholders import services as stakeholders

from . import rules, selectors, services
from .forms import (
    BreakForm,
    CommitmentForm,
    DeliveryForm,
    ExpectationForm,
    PromisePolicyForm,
    RenegotiationForm,
)

User = get_user_model()

STATE_FILTERS = (
    ("", "All"),
    (rules.OVERDUE, "Overdue"),
    (rules.OPEN, "Open"),
    (rules.RENEGOTIATED, "Renegotiated"),
    (rules.KEPT, "Kept"),
    (rules.BROKEN, "Broken"),
)


def _people(project, user):
    """The project's team, and the signed-in person (an organisation owner may have no role)."""
    people = list(
        User.objects.filter(project_memberships__project=project).order_by("full_name", "email")
    )
    return people if any(u.pk == user.pk for u in people) else [user, *people]


def _who(request, project, form, stakeholder_list, *, customer: bool):
    """The chosen stakeholder, or a new one put on the project (inside the caller's transaction)."""
    chosen = form.cleaned_data.get("who")
    if chosen:
        found = next((s for s in stakeholder_list if str(s.pk) == chosen), None)
        if found is None:
            raise ValidationError({"who": ["Choose a stakeholder of this project."]})
        return found
    name = form.cleaned_data["new_name"].strip()
    # someone typed in again who is on the project already: that stakeholder, not a refusal
    same = [s for s in stakeholder_list if s.party.name.casefold() == name.casefold()]
    if len(same) == 1:
        return same[0]
    return stakeholders.stakeholder_add(
        actor=request.user, project=project, new_party={"name": name}, is_customer=customer
    )


@project_view("view")
def promise_list(request, project):
    state = request.GET.get("state", "")
    if state not in dict(STATE_FILTERS):
        state = ""
    today = services.project_today(project)
    page = paginate(request, selectors.commitment_list(project, state=state, today=today))
    plan_findings = selectors.plan_date_findings(project).by_commitment
    for c in page:
        c.state = rules.state(c.facts(), today)
        c.plan_findings = plan_findings.get(c.pk, [])
    return render(
        request,
        "promises/promise_list.html",
        {
            "project": project,
            "page": page,
            "state": state,
            "filters": STATE_FILTERS,
            "figures": selectors.commitment_figures(project, today),
            "today": today,
            "policy_form": PromisePolicyForm(
                initial={"realism_level": selectors.realism_level(project)}
            ),
        },
    )


@project_view("manage")
@require_POST
def promise_policy(request, project):
    """The project's over-promise threshold (P80 or P50), set from the promise list."""
    form = PromisePolicyForm(request.POST)
    if form.is_valid():
        try:
            services.promise_policy_set(
                actor=request.user,
                project=project,
                realism_level=int(form.cleaned_data["realism_level"]),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Promises are now checked against the estimate's P{form.cleaned_data['realism_level']}.",
            )
    else:
        messages.error(request, "Choose P80 or P50.")
    return redirect("promise-list", project.org.slug, project.code)


@org_view("member")
def promise_figures_org(request, org):
    """The PMO's view: who keeps their promises, across the projects this person may see."""
    return render(
        request,
        "promises/promise_figures_org.html",
        {"org": org, "rows": selectors.commitment_figures_per_maker(request.user, org)},
    )


@project_view("contribute")
def promise_new(request, project):
    stakeholder_list = list(selectors.stakeholder_choices(project))
    people = _people(project, request.user)
    plan_items = list(selectors.plan_items(project))
    form = CommitmentForm(
        request.POST or None,
        stakeholders=stakeholder_list,
        people=people,
        plan_items=plan_items,
        initial={"made_by": str(request.user.pk)},
    )
    chance = None
    on_finish = request.POST.get("on_finish") == "1"
    if request.method == "POST" and "check" in request.POST:
        # only the dates and who makes it matter for the chance: no errors about the rest yet
        form.is_valid()
        if {"promised_date", "made_on", "made_by"} <= set(form.cleaned_data):
            chance = _chance(project, people, form.cleaned_data, on_finish)
        form = CommitmentForm(
            stakeholders=stakeholder_list, people=people, initial=request.POST.dict()
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Promise realism: a promise on the project's finish earlier than the estimate's P80
        # (or P50) asks for a confirmation first; the PM may still record it.
        over_promise = (
            selectors.over_promise_findings(project, data["promised_date"]) if on_finish else []
        )
        if over_promise and request.POST.get("confirm_over_promise") != "1":
            return render(
                request,
                "promises/promise_form.html",
                {
                    "project": project,
                    "form": form,
                    "chance": None,
                    "on_finish": on_finish,
                    "over_promise": over_promise,
                },
            )
        try:
            with transaction.atomic():
                who = _who(request, project, form, stakeholder_list, customer=False)
                commitment = services.commitment_create(
                    actor=request.user,
                    project=project,
                    party=who.party,
                    what=data["what"],
                    promised_date=data["promised_date"],
                    promised_scope=data["promised_scope"],
                    made_by=next((u for u in people if str(u.pk) == data["made_by"]), None),
                    made_on=data["made_on"],
                    channel=data["channel"],
                    made_where=data["made_where"],
                    activity=next((a for a in plan_items if str(a.pk) == data["activity"]), None),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            for finding in selectors.plan_date_findings(project).by_commitment.get(
                commitment.pk, []
            ):
                messages.warning(request, finding.message)
            for finding in over_promise:
                messages.warning(request, f"Recorded although: {finding.message}")
            chance = _chance(project, people, data, on_finish)
            said = f" {chance_sentence(chance)}" if chance.chance is not None else ""
            messages.success(request, f"Promise to {who.party.name} recorded.{said}")
            return redirect("promise-detail", project.org.slug, project.code, commitment.pk)
    return render(
        request,
        "promises/promise_form.html",
        {"project": project, "form": form, "chance": chance, "on_finish": on_finish},
    )


def _chance(project, people, data, on_finish: bool):
    """The chance of the promise on the form being kept (issue 15: under-promise by design)."""
    made_by = next((u for u in people if str(u.pk) == data["made_by"]), None)
    return selectors.promise_chance(
        project,
        made_by=made_by,
        made_on=data["made_on"],
        promised_date=data["promised_date"],
        on_finish=on_finish,
    )


def chance_sentence(chance) -> str:
    """The sentence shown when a promise is recorded: "kept 60 % of the time; this one has 35 %"."""
    parts = []
    if chance.person_share is not None:
        parts.append(
            f"Your promises {chance.band} were kept on time {chance.person_share:.0%} of the time"
            f" ({chance.person_count})"
        )
    elif chance.org_share is not None:
        parts.append(
            f"Promises {chance.band} here were kept on time {chance.org_share:.0%} of the time"
            f" ({chance.org_count})"
        )
    if chance.chance is not None:
        source = "the estimate gives this one" if chance.from_estimate else "this one has"
        parts.append(f"{source} a {chance.chance:.0%} chance")
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _detail(
    request, project, commitment, *, delivery=None, renegotiation=None, breaking=None, status=200
):
    today = services.project_today(project)
    plan_findings = selectors.plan_date_findings(project).by_commitment.get(commitment.pk, [])
    return render(
        request,
        "promises/promise_detail.html",
        {
            "project": project,
            "c": commitment,
            "state": rules.state(commitment.facts(renegotiations=0), today),
            "late": rules.describe_days(rules.days_late(commitment.facts(renegotiations=0))),
            "renegotiations": list(commitment.renegotiations.all()),
            "delivery_form": delivery or DeliveryForm(),
            "renegotiation_form": renegotiation
            or RenegotiationForm(
                initial={
                    "new_date": commitment.promised_date,
                    "new_scope": commitment.promised_scope,
                }
            ),
            "break_form": breaking or BreakForm(),
            "plan_findings": plan_findings,
        },
        status=status,
    )


@project_view("view")
def promise_detail(request, project, commitment_id):
    return _detail(request, project, selectors.commitment_get(project, commitment_id))


@project_view("contribute")
@require_POST
def promise_deliver(request, project, commitment_id):
    commitment = selectors.commitment_get(project, commitment_id)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            done = services.commitment_deliver(
                actor=request.user,
                commitment=commitment,
                delivered_on=form.cleaned_data["delivered_on"],
                delivered_scope=form.cleaned_data["delivered_scope"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Delivery recorded: the promise is {done.status}.")
            return redirect("promise-detail", project.org.slug, project.code, commitment.pk)
    return _detail(request, project, commitment, delivery=form, status=400)


@project_view("contribute")
@require_POST
def promise_renegotiate(request, project, commitment_id):
    commitment = selectors.commitment_get(project, commitment_id)
    form = RenegotiationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_renegotiate(
                actor=request.user,
                commitment=commitment,
                new_date=data["new_date"],
                new_scope=data["new_scope"],
                reason=data["reason"],
                agreed_on=data["agreed_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "New terms recorded; the old ones are kept below.")
            return redirect("promise-detail", project.org.slug, project.code, commitment.pk)
    return _detail(request, project, commitment, renegotiation=form, status=400)


@project_view("contribute")
@require_POST
def promise_break(request, project, commitment_id):
    commitment = selectors.commitment_get(project, commitment_id)
    form = BreakForm(request.POST)
    if form.is_valid():
        try:
            services.commitment_break(
                actor=request.user, commitment=commitment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The promise is recorded as broken, with the reason.")
            return redirect("promise-detail", project.org.slug, project.code, commitment.pk)
    return _detail(request, project, commitment, breaking=form, status=400)


# --- expectations ------------------------------------------------------------------------------


@project_view("view")
def expectation_list(request, project):
    expectations = selectors.expectations_with_findings(project)
    return render(
        request,
        "promises/expectation_list.html",
        {
            "project": project,
            "expectations": expectations,
            "contradicted": sum(1 for e in expectations if e.contradicted),
            "plan": selectors.plan_facts(project),
        },
    )


def _expectation_values(data) -> dict:
    return {
        "kind": data["kind"],
        "words": data["words"],
        "amount": data["amount"],
        "expected_date": data["expected_date"],
        "plan_contradicts": data["plan_contradicts"],
        "plan_note": data["plan_note"],
    }


@project_view("contribute")
def expectation_new(request, project):
    stakeholder_list = list(selectors.stakeholder_choices(project))
    form = ExpectationForm(
        request.POST or None, stakeholders=stakeholder_list, currency=project.currency
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                who = _who(request, project, form, stakeholder_list, customer=True)
                services.expectation_create(
                    actor=request.user,
                    project=project,
                    stakeholder=who,
                    **_expectation_values(form.cleaned_data),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{who.party.name}'s expectation recorded.")
            return redirect("expectation-list", project.org.slug, project.code)
    return render(
        request,
        "promises/expectation_form.html",
        {"project": project, "form": form, "creating": True},
    )


@project_view("contribute")
def expectation_edit(request, project, expectation_id):
    expectation = selectors.expectation_get(project, expectation_id)
    initial = {
        "kind": expectation.kind,
        "words": expectation.words,
        "amount": expectation.amount,
        "expected_date": expectation.expected_date,
        "plan_contradicts": expectation.plan_contradicts,
        "plan_note": expectation.plan_note,
    }
    form = ExpectationForm(
        request.POST or None, initial=initial, currency=project.currency, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.expectation_update(
                actor=request.user,
                expectation=expectation,
                **_expectation_values(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Expectation saved.")
            return redirect("expectation-list", project.org.slug, project.code)
    return render(
        request,
        "promises/expectation_form.html",
        {"project": project, "form": form, "expectation": expectation},
    )


@project_view("contribute")
@require_POST
def expectation_delete(request, project, expectation_id):
    expectation = selectors.expectation_get(project, expectation_id)
    services.expectation_delete(actor=request.user, expectation=expectation)
    messages.success(request, f"{expectation.stakeholder.party.name}'s expectation removed.")
    return redirect("expectation-list", project.org.slug, project.code)
