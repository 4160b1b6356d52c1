"""A SIPOC's inputs and outputs may say what they are: material, service or information."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from rapport.raci import selectors, services
from rapport.raci.models import SipocInput, SipocOutput

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(world, small):
    return services.sipoc_create(actor=world.manager, project=world.alpha, name="Take an order")


def add(world, process, column, **kwargs):
    return services.sipoc_item_add(
        actor=world.contributor, process=process, column=column, **kwargs
    )


def test_inputs_and_outputs_keep_their_type_and_it_is_optional(world, process):
    form = add(world, process, "inputs", name="Order form", kind="information")
    flour = add(world, process, "inputs", name="Flour", kind="material")
    pizza = add(world, process, "outputs", name="Pizza", kind="material")
    delivery = add(world, process, "outputs", name="Delivery", kind="service")
    plain = add(world, process, "outputs", name="Receipt")
    assert [(x.name, x.kind) for x in SipocInput.objects.filter(process=process)] == [
        ("Order form", "information"),
        ("Flour", "material"),
    ]
    assert {x.pk: x.kind for x in SipocOutput.objects.filter(process=process)} == {
        pizza.pk: "material",
        delivery.pk: "service",
        plain.pk: "",
    }
    assert form.get_kind_display() == "Information" and flour.kind == "material"


def test_an_unknown_type_is_refused_and_nothing_is_added(world, process):
    with pytest.raises(ValidationError, match="material, service or information"):
        add(world, process, "inputs", name="Flour", kind="liquid")
    with pytest.raises(ValidationError, match="Only inputs and outputs have a type"):
        add(world, process, "steps", name="Bake", kind="service")
    assert not SipocInput.objects.filter(process=process).exists()


def test_the_page_offers_the_type_and_shows_it(world, process, client_for):
    client = client_for(world.contributor)
    base = f"/o/acme/p/ALPHA/sipoc/{process.pk}/"
    response = client.post(base + "inputs/add/", {"name": "Order form", "kind": "information"})
    assert response.status_code == 302
    html = client.get(base).content.decode()
    assert '<option value="service">Service</option>' in html
    assert (
        'Order form <span class="note">(<span class="kind-information">information</span>)' in html
    )
    printable = client.get(base + "print/").content.decode()
    assert 'Order form <span class="note">[information]</span>' in printable


def test_the_api_reads_and_writes_the_type(world, process, client_for):
    client = client_for(world.contributor)
    url = f"/api/v1/projects/{world.alpha.pk}/sipocs/{process.pk}/content"
    body = {
        "inputs": [{"name": "Order form", "kind": "information"}, {"name": "Flour"}],
        "outputs": [{"name": "Pizza", "kind": "material"}],
    }
    r = client.put(url, data=body, content_type="application/json")
    assert r.status_code == 200, r.content
    data = r.json()
    assert [(i["name"], i["kind"]) for i in data["inputs"]] == [
        ("Order form", "information"),
        ("Flour", None),
    ]
    assert data["outputs"][0]["kind"] == "material"
    body["outputs"][0]["kind"] = "pizza"
    r = client.put(url, data=body, content_type="application/json")
    assert r.status_code == 422
    assert SipocOutput.objects.get(process=process).kind == "material"  # nothing changed


def test_the_xlsx_export_writes_the_type_beside_the_name(world, process):
    add(world, process, "inputs", name="Order form", kind="information")
    add(world, process, "outputs", name="Pizza", kind="material")
    from rapport.raci.sipoc_export import sipoc_xlsx

    sheet = openpyxl.load_workbook(io.BytesIO(sipoc_xlsx(selectors.sipoc_get(process))))["SIPOC"]
    assert sheet["B5"].value == "Order form [information]"
    assert sheet["D5"].value == "Pizza [material]"
