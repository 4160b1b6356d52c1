"""Customer pages: the organisation's register and each project's customers, value, outcomes and
pictures. Thin: access through the decorators, reads through selectors, writes through services."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.access import org_view, project_view
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import keyset_page, paginate
from rapport.lib.widgets import SEARCH_LIMIT, options_html

from . import charts, importing, rules, saved_mappings, selectors, services
from .forms import (
    CategoryForm,
    ConflictForm,
    ConsiderationForm,
    CriterionForm,
    ExistingPartyForm,
    ImportForm,
    MeasurementForm,
    OutcomeForm,
    PartyForm,
    PositionForm,
    PreferencesForm,
    ResolveForm,
    StakeholderForm,
)
from .models import (
    Category,
    OutcomeConflict,
    RegisterImport,
    SavedMapping,
    ValueCriterion,
)
from .spreadsheets import FileProblem, check_size, read_table

# --- the organisation's register ------------------------------------------------------------------


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@org_view("member")
def register_list(request, org):
    query = request.GET.get("q", "").strip()
    category_id = _int(request.GET.get("category"))
    relationship = request.GET.get("relationship", "")
    page = keyset_page(
        request,
        selectors.party_list(org, query=query, category_id=category_id, relationship=relationship),
        sort="sort_name",
    )
    counts = selectors.party_project_counts(p.pk for p in page)
    for party in page:
        party.project_count = counts.get(party.pk, 0)
    context = {
        "org": org,
        "page": page,
        "query": query,
        "category_id": category_id,
        "relationship": relationship,
        "categories": Category.objects.filter(org=org),
        "is_owner": org.user_level >= 2,
        "has_any": page.count > 0 or bool(query or category_id or relationship),
    }
    template = (
        "stakeholders/_register_rows.html" if request.htmx else "stakeholders/register_list.html"
    )
    return render(request, template, context)


def _search_answer(parties, query: str) -> HttpResponse:
    """The <option>s a picker's search box puts in its list (rapport/lib/widgets.py)."""
    html = options_html((p.pk, str(p)) for p in parties)
    if not parties:
        html = str(
            format_html(
                '<option value="" disabled>Nobody in the register matches “{}”</option>', query
            )
        )
    return HttpResponse(html)


@org_view("member")
@require_GET
def party_search(request, org):
    """Parties of the register matching ?q=: the picker of a party's boss, or who stated a target."""
    query = request.GET.get("q", "")[:100]
    return _search_answer(selectors.party_search(org, query, limit=SEARCH_LIMIT), query)


@org_view("owner")
def party_new(request, org):
    form = PartyForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_create(
                actor=request.user,
                org=org,
                categories=form.cleaned_data["categories"],
                **form.party_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{party.name} added to the register.")
            return redirect("party-detail", org=org.slug, party_id=party.pk)
    return render(
        request, "stakeholders/party_form.html", {"org": org, "form": form, "creating": True}
    )


@org_view("member")
def party_detail(request, org, party_id):
    party = selectors.party_get(org, party_id)
    return render(
        request,
        "stakeholders/party_detail.html",
        {
            "org": org,
            "party": party,
            "chain": selectors.party_chain(party),
            "stakeholdings": selectors.party_projects(party, request.user),
            "is_owner": org.user_level >= 2,
        },
    )


@org_view("owner")
def party_edit(request, org, party_id):
    party = selectors.party_get(org, party_id)
    form = PartyForm(request.POST or None, instance=party, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update(
                actor=request.user,
                party=party,
                categories=form.cleaned_data["categories"],
                **form.party_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("party-detail", org=org.slug, party_id=party.pk)
    return render(
        request, "stakeholders/party_form.html", {"org": org, "form": form, "party": party}
    )


@org_view("owner")
def party_delete(request, org, party_id):
    party = selectors.party_get(org, party_id)
    if request.method == "POST":
        services.party_delete(actor=request.user, party=party)
        messages.success(
            request,
            f"{party.name} deleted from the register and its projects. The history keeps it.",
        )
        return redirect("register-list", org=org.slug)
    projects = party.stakeholdings.count()
    return render(
        request,
        "stakeholders/party_delete.html",
        {"org": org, "party": party, "projects": projects},
    )


@org_view("member")
def category_list(request, org):
    return render(
        request,
        "stakeholders/categories.html",
        {
            "org": org,
            "categories": selectors.category_list(org),
            "form": CategoryForm(),
            "is_owner": org.user_level >= 2,
        },
    )


@org_view("owner")
@require_POST
def category_add(request, org):
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.category_create(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Category {form.cleaned_data['name']} added.")
            return redirect("category-list", org=org.slug)
    return render(
        request,
        "stakeholders/categories.html",
        {"org": org, "categories": selectors.category_list(org), "form": form, "is_owner": True},
        status=400,
    )


@org_view("owner")
def category_edit(request, org, category_id):
    category = get_object_or_404(Category, pk=category_id, org=org)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=request.user, category=category, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Category saved.")
            return redirect("category-list", org=org.slug)
    return render(
        request, "stakeholders/category_form.html", {"org": org, "form": form, "category": category}
    )


@org_view("owner")
@require_POST
def category_delete(request, org, category_id):
    category = get_object_or_404(Category, pk=category_id, org=org)
    services.category_delete(actor=request.user, category=category)
    messages.success(
        request, f"Category {category.name} deleted; the parties in it stay in the register."
    )
    return redirect("category-list", org=org.slug)


# --- export and import (shared by the register and the project pages) -----------------------------


def _export(request, org, project):
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown export format")
    content, content_type, filename = importing.export_file(org=org, project=project, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _purge_old_imports():
    RegisterImport.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - timedelta(days=1)
    ).delete()


def _mapping_kind(project) -> str:
    return "customers" if project else "register"


def _upload(request, org, project, preview_url_name, kwargs):
    kind = _mapping_kind(project)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        saved_names=saved_mappings.saved_mapping_names(org, kind),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        saved = None
        try:
            if form.cleaned_data.get("saved_mapping"):
                saved = saved_mappings.saved_mapping_get(
                    org, kind, form.cleaned_data["saved_mapping"]
                )
            # Refused on its size before a byte of it is read.
            check_size(upload.size, settings.RAPPORT_IMPORT_MAX_BYTES)
            content = upload.read()
            read_table(content, max_bytes=settings.RAPPORT_IMPORT_MAX_BYTES)
        except ValidationError as error:
            add_service_errors(form, error)
        except FileProblem as problem:
            form.add_error("file", str(problem))
        else:
            _purge_old_imports()
            record = RegisterImport.objects.create(
                org=org,
                project=project,
                created_by=request.user,
                filename=upload.name[:255],
                content=content,
                options={
                    "create_missing_categories": form.cleaned_data["create_missing_categories"],
                    # A saved mapping chosen on upload: its columns read as the PM saved them.
                    "mapping": dict(saved.mapping) if saved else {},
                    "saved_mapping": saved.name if saved else "",
                },
            )
            return redirect(
                preview_url_name,
                **kwargs,
                **{"import_id" if project else "register_import_id": record.pk},
            )
    return form


def _record_plan(org, project, record):
    """The plan of a stored upload, read as its options say (sheet, column meanings)."""
    options = record.options or {}
    table = read_table(
        bytes(record.content),
        max_bytes=settings.RAPPORT_IMPORT_MAX_BYTES,
        sheet=options.get("sheet") or None,
    )
    return importing.plan_import(
        org=org,
        project=project,
        table=table,
        mapping=options.get("mapping") or None,
        create_missing_categories=bool(options.get("create_missing_categories")),
    )


def save_mapping_from_preview(request, *, org, kind: str, mapping: dict) -> bool:
    """Keep an import preview's column meanings under the name the PM typed, if any (the register,
    customers and RACI previews); False when the name or the mapping is refused (the message says
    why, nothing is saved)."""
    name = (request.POST.get("save_as") or "").strip()
    if not name:
        return True
    try:
        saved = saved_mappings.save_mapping(
            actor=request.user, org=org, kind=kind, name=name, mapping=mapping
        )
    except ValidationError as error:
        messages.error(
            request,
            "Save these column meanings as: " + " ".join(error.messages) + " Nothing was saved.",
        )
        return False
    messages.success(
        request, f"Saved these column meanings as “{saved.name}”: choose it on your next upload."
    )
    return True


def _preview(request, org, project, record, done_url):
    if request.method == "POST" and record.applied_at is None and request.POST.get("reread"):
        # The PM changed how the file is read: each column's meaning, the sheet, new categories.
        mapping = {}
        for key, value in request.POST.items():
            if key.startswith("meaning-") and value in importing.MEANINGS:
                header = request.POST.get("header-" + key[len("meaning-") :], "")
                if header.strip():
                    mapping[header] = value
        saved = save_mapping_from_preview(
            request, org=org, kind=_mapping_kind(project), mapping=mapping
        )
        save_as = (request.POST.get("save_as") or "").strip() if saved else ""
        record.options = {
            "mapping": mapping,
            "sheet": request.POST.get("sheet") or "",
            "create_missing_categories": bool(request.POST.get("create_missing_categories")),
            "saved_mapping": save_as or (record.options or {}).get("saved_mapping", ""),
        }
        record.save(update_fields=["options"])
        return redirect(request.path)
    try:
        plan = _record_plan(org, project, record)
    except FileProblem as problem:
        messages.error(request, str(problem))
        return redirect(done_url)
    if request.method == "POST" and record.applied_at is None:
        mode = request.POST.get("mode")
        if mode == "discard":
            record.delete()
            messages.info(request, "Import cancelled; nothing was imported.")
            return redirect(done_url)
        shown = {g["header"]: g["meaning"] for g in plan.guesses if g["header"]}
        if not save_mapping_from_preview(
            request, org=org, kind=_mapping_kind(project), mapping=shown
        ):
            return redirect(request.path)
        try:
            result = importing.apply_import(
                actor=request.user,
                org=org,
                project=project,
                plan=plan,
                only_valid=(mode == "valid"),
            )
        except importing.ImportRefused as refused:
            messages.error(request, str(refused))
        else:
            record.applied_at = timezone.now()
            record.summary = result
            record.content = b""
            record.save(update_fields=["applied_at", "summary", "content"])
            skipped = (
                f", {result['skipped']} rows with problems skipped" if result["skipped"] else ""
            )
            messages.success(
                request,
                f"Imported {record.filename}: {result['created']} added, {result['updated']} updated, "
                f"{result['unchanged']} unchanged{skipped}.",
            )
            return redirect(done_url)
    counts = plan.counts()
    valid_rows = importing.valid_only(plan)
    return {
        "record": record,
        "plan": plan,
        "counts": counts,
        "importable_valid": len(valid_rows),
        "preview_rows": plan.rows[:100],
        "meanings": list(importing.MEANINGS.items()),
        "create_missing_categories": bool((record.options or {}).get("create_missing_categories")),
        "save_as": (record.options or {}).get("saved_mapping", ""),
        "org_slug": org.slug,
        "problems": plan.problems[:500],
        "more_problems": max(0, len(plan.problems) - 500),
    }


@org_view("member")
def saved_mapping_list(request, org):
    """The organisation's saved column mappings; owners delete them."""
    page = paginate(request, saved_mappings.saved_mapping_list(org))
    page.object_list = list(page.object_list)
    for saved in page.object_list:
        labels = saved_mappings.meanings_for(saved.kind)
        saved.columns = [(h, labels.get(m, m)) for h, m in saved.mapping.items()]
    return render(
        request,
        "stakeholders/saved_mappings.html",
        {"org": org, "page": page, "is_owner": org.user_level >= 2},
    )


@org_view("owner")
@require_POST
def saved_mapping_delete(request, org, saved_mapping_id):
    saved = get_object_or_404(SavedMapping, pk=saved_mapping_id, org=org)
    saved_mappings.delete_mapping(actor=request.user, saved=saved)
    messages.success(
        request, f"Saved mapping “{saved.name}” deleted; imports made with it are unchanged."
    )
    return redirect("saved-mapping-list", org=org.slug)


@org_view("member")
def register_export(request, org):
    return _export(request, org, None)


@org_view("owner")
def register_import(request, org):
    result = _upload(request, org, None, "register-import-preview", {"org": org.slug})
    if not isinstance(result, ImportForm):
        return result
    return render(
        request,
        "stakeholders/import_upload.html",
        {
            "org": org,
            "form": result,
            "columns": importing.columns_for(None),
            "max_bytes": settings.RAPPORT_IMPORT_MAX_BYTES,
            "org_slug": org.slug,
        },
    )


@org_view("owner")
def register_import_preview(request, org, register_import_id):
    record = get_object_or_404(RegisterImport, pk=register_import_id, org=org, project__isnull=True)
    if record.applied_at:
        messages.info(request, "This file was imported already.")
        return redirect("register-list", org=org.slug)
    result = _preview(request, org, None, record, reverse("register-list", args=[org.slug]))
    if not isinstance(result, dict):
        return result
    return render(request, "stakeholders/import_preview.html", {"org": org, **result})


# --- a project's customers ------------------------------------------------------------------------


def _customers_url(project):
    return reverse("stakeholder-list", args=[project.org.slug, project.code])


@project_view("view")
def stakeholder_list(request, project):
    query = request.GET.get("q", "").strip()
    page = paginate(request, selectors.stakeholder_list(project, query=query))
    if request.htmx:
        return render(
            request,
            "stakeholders/_stakeholder_rows.html",
            {"project": project, "page": page, "query": query},
        )
    found = selectors.project_findings(project)
    return render(
        request,
        "stakeholders/stakeholder_list.html",
        {
            "project": project,
            "page": page,
            "query": query,
            "findings": found["findings"],
            "prompts": found["prompts"],
            "consensus": found["consensus"],
            "consider_form": ConsiderationForm(),
            # The list leads; the findings open by themselves only while there is no list yet.
            "findings_open": not page.object_list and not query,
        },
    )


@project_view("contribute")
@require_GET
def stakeholder_candidates(request, project):
    """Parties of the register matching ?q= that are not on the project yet: who can be added."""
    query = request.GET.get("q", "")[:100]
    parties = selectors.party_search(project.org, query, not_on_project=project, limit=SEARCH_LIMIT)
    return _search_answer(parties, query)


@project_view("contribute")
def stakeholder_add(request, project):
    data = request.POST or None
    pick = ExistingPartyForm(data, project=project)
    party_form = PartyForm(data, org=project.org, prefix="party")
    form = StakeholderForm(data)
    if request.method == "POST" and pick.is_valid() and form.is_valid():
        existing = pick.cleaned_data["existing"]
        new_party = None
        if existing is None:
            if party_form.is_valid():
                new_party = {
                    **party_form.party_fields(),
                    "categories": party_form.cleaned_data["categories"],
                }
        if existing is not None or new_party is not None:
            try:
                stakeholder = services.stakeholder_add(
                    actor=request.user,
                    project=project,
                    party=existing,
                    new_party=new_party,
                    **form.stakeholder_fields(),
                )
            except ValidationError as error:
                add_service_errors(party_form if existing is None else pick, error)
            else:
                messages.success(request, f"{stakeholder.party.name} is now on {project.code}.")
                return redirect(
                    "stakeholder-detail",
                    org=project.org.slug,
                    code=project.code,
                    stakeholder_id=stakeholder.pk,
                )
    elif request.method == "GET":
        party_form = PartyForm(org=project.org, prefix="party")
    return render(
        request,
        "stakeholders/stakeholder_form.html",
        {
            "project": project,
            "pick": pick,
            "party_form": party_form,
            "form": form,
            "creating": True,
            "party_errors": request.method == "POST"
            and not pick.data.get("existing")
            and party_form.errors,
        },
    )


@project_view("view")
def stakeholder_detail(request, project, stakeholder_id):
    stakeholder = selectors.stakeholder_get(project, stakeholder_id)
    criteria = list(stakeholder.criteria.prefetch_related("goals"))
    for c, share in zip(criteria, rules.weight_shares([c.weight for c in criteria]), strict=True):
        c.share = share
    positions = stakeholder.positions.select_related("outcome")
    return render(
        request,
        "stakeholders/stakeholder_detail.html",
        {
            "project": project,
            "s": stakeholder,
            "criteria": criteria,
            "positions": positions,
            "criterion_form": CriterionForm(project=project),
            "chain": selectors.party_chain(stakeholder.party),
            "quadrant_help": rules.QUADRANTS.get(stakeholder.quadrant, ("", ""))[1],
            "quiet_days": [
                dict(rules.WEEKDAYS)[code]
                for code in rules.quiet_days_parse(stakeholder.party.quiet_days)
            ],
        },
    )


@project_view("contribute")
def stakeholder_edit(request, project, stakeholder_id):
    stakeholder = selectors.stakeholder_get(project, stakeholder_id)
    data = request.POST or None
    party_form = PartyForm(data, instance=stakeholder.party, org=project.org, prefix="party")
    form = StakeholderForm(data, instance=stakeholder)
    if request.method == "POST" and party_form.is_valid() and form.is_valid():
        try:
            services.stakeholder_update(
                actor=request.user,
                stakeholder=stakeholder,
                party_fields={
                    **party_form.party_fields(),
                    "categories": party_form.cleaned_data["categories"],
                },
                **form.stakeholder_fields(),
            )
        except ValidationError as error:
            party_keys = set(services.PARTY_FIELDS) | {"categories"}
            if hasattr(error, "error_dict") and set(error.error_dict) <= party_keys:
                add_service_errors(party_form, error)
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(
                "stakeholder-detail",
                org=project.org.slug,
                code=project.code,
                stakeholder_id=stakeholder.pk,
            )
    return render(
        request,
        "stakeholders/stakeholder_form.html",
        {
            "project": project,
            "party_form": party_form,
            "form": form,
            "s": stakeholder,
            "party_errors": bool(party_form.errors),
        },
    )


@project_view("contribute")
def stakeholder_preferences(request, project, stakeholder_id):
    stakeholder = selectors.stakeholder_get(project, stakeholder_id)
    form = PreferencesForm.for_party(stakeholder.party, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_preferences_set(
                actor=request.user, party=stakeholder.party, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Communication preferences saved.")
            return redirect(
                "stakeholder-detail",
                org=project.org.slug,
                code=project.code,
                stakeholder_id=stakeholder.pk,
            )
    return render(
        request,
        "stakeholders/preferences_form.html",
        {"project": project, "form": form, "s": stakeholder},
    )


@project_view("contribute")
@require_POST
def stakeholder_remove(request, project, stakeholder_id):
    stakeholder = selectors.stakeholder_get(project, stakeholder_id)
    services.stakeholder_remove(actor=request.user, stakeholder=stakeholder)
    messages.success(
        request,
        f"{stakeholder.party.name} is no longer on {project.code}; the register keeps them.",
    )
    return redirect("stakeholder-list", org=project.org.slug, code=project.code)


@project_view("contribute")
@require_POST
def category_consider(request, project, category_id):
    category = get_object_or_404(Category, pk=category_id, org_id=project.org_id)
    form = ConsiderationForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    not_applicable = request.POST.get("not_applicable", "1") != "0"
    services.consideration_set(
        actor=request.user,
        project=project,
        category=category,
        not_applicable=not_applicable,
        reason=reason,
    )
    if not_applicable:
        messages.success(request, f"{category.name}: marked as considered and not applicable.")
    else:
        messages.success(request, f"{category.name}: back on the list to consider.")
    return redirect(_customers_url(project) + "#prompts")


@project_view("contribute")
@require_POST
def category_consider_bulk(request, project):
    """The ticked kinds of customer are all not applicable to this project, for one reason."""
    ids = [i for i in request.POST.getlist("category") if i.isdigit()]
    categories = list(Category.objects.filter(pk__in=ids, org_id=project.org_id).order_by("name"))
    if not categories:
        messages.error(
            request, "Tick the kinds of customer that do not apply, then press the button."
        )
        return redirect(_customers_url(project) + "#prompts")
    form = ConsiderationForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    count = services.considerations_mark_not_applicable(
        actor=request.user, project=project, categories=categories, reason=reason
    )
    names = ", ".join(c.name for c in categories)
    messages.success(request, f"Marked not applicable ({count}): {names}.")
    return redirect(_customers_url(project) + "#prompts")


# --- value criteria -------------------------------------------------------------------------------


@project_view("contribute")
@require_POST
def criterion_add(request, project, stakeholder_id):
    stakeholder = selectors.stakeholder_get(project, stakeholder_id)
    form = CriterionForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.criterion_create(
                actor=request.user, stakeholder=stakeholder, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Value criterion added.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(
        reverse("stakeholder-detail", args=[project.org.slug, project.code, stakeholder.pk])
        + "#value"
    )


def _criterion(project, criterion_id) -> ValueCriterion:
    criterion = (
        ValueCriterion.objects.filter(pk=criterion_id, stakeholder__project=project)
        .select_related("stakeholder__party")
        .first()
    )
    if criterion is None:
        raise Http404("No such value criterion on this project")
    criterion.stakeholder.project = project
    return criterion


@project_view("contribute")
def criterion_edit(request, project, criterion_id):
    criterion = _criterion(project, criterion_id)
    form = CriterionForm(request.POST or None, instance=criterion, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(actor=request.user, criterion=criterion, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Value criterion saved.")
            return redirect(
                reverse(
                    "stakeholder-detail",
                    args=[project.org.slug, project.code, criterion.stakeholder_id],
                )
                + "#value"
            )
    return render(
        request,
        "stakeholders/criterion_form.html",
        {"project": project, "form": form, "criterion": criterion},
    )


@project_view("contribute")
@require_POST
def criterion_delete(request, project, criterion_id):
    criterion = _criterion(project, criterion_id)
    services.criterion_delete(actor=request.user, criterion=criterion)
    messages.success(request, "Value criterion deleted.")
    return redirect(
        reverse(
            "stakeholder-detail", args=[project.org.slug, project.code, criterion.stakeholder_id]
        )
        + "#value"
    )


@project_view("view")
def value_overview(request, project):
    return render(
        request,
        "stakeholders/value.html",
        {"project": project, **selectors.value_overview(project)},
    )


# --- pictures -------------------------------------------------------------------------------------


@project_view("view")
def pictures(request, project):
    stakeholders = list(selectors.stakeholder_list(project))
    page = paginate(request, stakeholders)
    counts = {key: 0 for key in rules.QUADRANTS}
    for s in stakeholders:
        if s.quadrant:
            counts[s.quadrant] += 1
    return render(
        request,
        "stakeholders/pictures.html",
        {
            "project": project,
            "grid_svg": mark_safe(charts.power_interest_svg(stakeholders)),  # noqa: S308 - built by us, text escaped
            "engagement_svg": mark_safe(charts.engagement_svg(stakeholders)),  # noqa: S308
            "page": page,
            "quadrants": [
                (key, name, help, counts[key]) for key, (name, help) in rules.QUADRANTS.items()
            ],
            "gaps": sum(1 for s in stakeholders if (s.engagement_gap or 0) > 0),
            "total": len(stakeholders),
        },
    )


def _svg_response(svg: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + svg, content_type="image/svg+xml"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@project_view("view")
def power_interest_svg(request, project):
    svg = charts.power_interest_svg(list(selectors.stakeholder_list(project)))
    return _svg_response(svg, f"{project.code.lower()}-power-interest.svg")


@project_view("view")
def engagement_svg(request, project):
    svg = charts.engagement_svg(list(selectors.stakeholder_list(project)))
    return _svg_response(svg, f"{project.code.lower()}-engagement.svg")


# --- outcomes and consensus -----------------------------------------------------------------------


@project_view("view")
def outcome_list(request, project):
    data = selectors.consensus(project)
    return render(request, "stakeholders/outcome_list.html", {"project": project, **data})


@project_view("contribute")
def outcome_new(request, project):
    form = OutcomeForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.outcome_create(
                actor=request.user,
                project=project,
                stakeholders=form.cleaned_data["stakeholders"],
                **form.outcome_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Outcome recorded; each customer concerned is asked to agree."
            )
            return redirect(
                "outcome-detail", org=project.org.slug, code=project.code, outcome_id=outcome.pk
            )
    return render(
        request,
        "stakeholders/outcome_form.html",
        {"project": project, "form": form, "creating": True},
    )


@project_view("view")
def outcome_detail(request, project, outcome_id):
    outcome = selectors.annotate_outcome(selectors.outcome_get(project, outcome_id))
    conflicts = [
        c for c in selectors.conflict_list(project) if outcome.pk in (c.first_id, c.second_id)
    ]
    return render(
        request,
        "stakeholders/outcome_detail.html",
        {
            "project": project,
            "outcome": outcome,
            "positions": list(outcome.positions.all()),
            "measurements": list(outcome.measurements.all()),
            "conflicts": conflicts,
            "measurement_form": MeasurementForm(initial={"measured_on": timezone.localdate()}),
            "conflict_form": ConflictForm(outcome=outcome),
            "statuses": rules.POSITIONS,
        },
    )


@project_view("contribute")
def outcome_edit(request, project, outcome_id):
    outcome = selectors.outcome_get(project, outcome_id)
    form = OutcomeForm(request.POST or None, instance=outcome, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_update(
                actor=request.user,
                outcome=outcome,
                stakeholders=form.cleaned_data["stakeholders"],
                **form.outcome_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Outcome saved.")
            return redirect(
                "outcome-detail", org=project.org.slug, code=project.code, outcome_id=outcome.pk
            )
    return render(
        request,
        "stakeholders/outcome_form.html",
        {"project": project, "form": form, "outcome": outcome},
    )


@project_view("contribute")
@require_POST
def outcome_delete(request, project, outcome_id):
    outcome = selectors.outcome_get(project, outcome_id)
    services.outcome_delete(actor=request.user, outcome=outcome)
    messages.success(request, f"Outcome “{outcome.title}” deleted.")
    return redirect("outcome-list", org=project.org.slug, code=project.code)


@project_view("contribute")
@require_POST
def position_set(request, project, outcome_id):
    outcome = selectors.outcome_get(project, outcome_id)
    form = PositionForm(request.POST)
    error_message, stakeholder = "", None
    if form.is_valid():
        stakeholder = selectors.stakeholder_get(project, form.cleaned_data["stakeholder"])
        try:
            services.position_set(
                actor=request.user,
                outcome=outcome,
                stakeholder=stakeholder,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            error_message = " ".join(error.messages)
    else:
        error_message = "Choose agreed, objected or pending."
    position = None
    if stakeholder is not None:
        position = (
            outcome.positions.select_related("stakeholder__party")
            .filter(stakeholder=stakeholder)
            .first()
        )
    if request.htmx and position is not None:
        if error_message:  # show what was chosen, with the error, so it can be fixed in place
            position.status, position.reason = (
                form.cleaned_data["status"],
                form.cleaned_data["reason"],
            )
        return render(
            request,
            "stakeholders/_position_row.html",
            {
                "project": project,
                "outcome": outcome,
                "p": position,
                "statuses": rules.POSITIONS,
                "error": error_message,
                "saved": not error_message,
            },
        )
    if error_message:
        messages.error(request, error_message)
    else:
        messages.success(
            request, f"{stakeholder.party.name}: {position.get_status_display().lower()}."
        )
    return redirect(
        reverse("outcome-detail", args=[project.org.slug, project.code, outcome.pk]) + "#consensus"
    )


@project_view("contribute")
@require_POST
def measurement_add(request, project, outcome_id):
    outcome = selectors.outcome_get(project, outcome_id)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_add(actor=request.user, outcome=outcome, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Measurement recorded.")
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label or field}: {error}")
    return redirect(
        reverse("outcome-detail", args=[project.org.slug, project.code, outcome.pk])
        + "#measurements"
    )


@project_view("contribute")
@require_POST
def conflict_add(request, project, outcome_id):
    outcome = selectors.outcome_get(project, outcome_id)
    form = ConflictForm(request.POST, outcome=outcome)
    if form.is_valid():
        try:
            services.conflict_create(
                actor=request.user,
                project=project,
                first=outcome,
                second=form.cleaned_data["other"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "Conflict recorded: it shows on the outcomes page until it is settled."
            )
    else:
        messages.error(request, "Choose the outcome it conflicts with.")
    return redirect(
        reverse("outcome-detail", args=[project.org.slug, project.code, outcome.pk]) + "#conflicts"
    )


@project_view("contribute")
@require_POST
def conflict_resolve(request, project, conflict_id):
    conflict = get_object_or_404(OutcomeConflict, pk=conflict_id, project=project)
    conflict.project = project
    form = ResolveForm(request.POST)
    resolution = form.cleaned_data["resolution"] if form.is_valid() else ""
    services.conflict_resolve(actor=request.user, conflict=conflict, resolution=resolution)
    messages.success(request, "Conflict settled." if resolution else "Conflict reopened.")
    return redirect(reverse("outcome-list", args=[project.org.slug, project.code]) + "#conflicts")


# --- the project's register as a spreadsheet ------------------------------------------------------


@project_view("view")
def stakeholder_export(request, project):
    return _export(request, project.org, project)


@project_view("manage")
def stakeholder_import(request, project):
    result = _upload(
        request,
        project.org,
        project,
        "stakeholder-import-preview",
        {"org": project.org.slug, "code": project.code},
    )
    if not isinstance(result, ImportForm):
        return result
    return render(
        request,
        "stakeholders/import_upload.html",
        {
            "project": project,
            "form": result,
            "columns": importing.columns_for(project),
            "max_bytes": settings.RAPPORT_IMPORT_MAX_BYTES,
            "org_slug": project.org.slug,
        },
    )


@project_view("manage")
def stakeholder_import_preview(request, project, import_id):
    record = get_object_or_404(RegisterImport, pk=import_id, project=project)
    if record.applied_at:
        messages.info(request, "This file was imported already.")
        return redirect(_customers_url(project))
    result = _preview(request, project.org, project, record, _customers_url(project))
    if not isinstance(result, dict):
        return result
    return render(request, "stakeholders/import_preview.html", {"project": project, **result})
