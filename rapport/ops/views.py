"""The development outbox pages: what Rapport "sent" while no SMTP server is configured."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from rapport.accounts.access import org_view
from rapport.lib.mail import outbox_enabled
from rapport.lib.pagination import paginate

from .models import OutboxMessage
from .outbox import parts

# The HTML part is the sender's markup shown as the recipient would see it: its own page, inline
# styles allowed (mail uses them), no scripts, no requests anywhere.
_MESSAGE_HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _message(org, message_id) -> OutboxMessage:
    message = OutboxMessage.objects.filter(org=org, pk=message_id).first()
    if message is None:
        raise Http404("No such message in this outbox")
    return message


# Owners only: the messages carry stakeholders' personal portal links, which the project team
# must not use (only the recipient may answer through their link).
@org_view("owner")
def outbox_list(request, org):
    page = paginate(request, OutboxMessage.objects.filter(org=org).defer("raw"))
    return render(
        request,
        "ops/outbox_list.html",
        {"org": org, "page": page, "enabled": outbox_enabled()},
    )


@org_view("owner")
def outbox_message(request, org, message_id):
    message = _message(org, message_id)
    return render(
        request,
        "ops/outbox_message.html",
        {"org": org, "message": message, "parts": parts(message.raw)},
    )


@org_view("owner")
def outbox_message_html(request, org, message_id):
    html = parts(_message(org, message_id).raw)["html"]
    if not html:
        raise Http404("This message has no HTML part")
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = _MESSAGE_HTML_POLICY
    return response


@org_view("owner")
def outbox_attachment(request, org, message_id, index):
    from email import message_from_bytes, policy

    parsed = message_from_bytes(bytes(_message(org, message_id).raw), policy=policy.default)
    attachments = list(parsed.iter_attachments())
    if index >= len(attachments):
        raise Http404("No such attachment")
    part = attachments[index]
    response = HttpResponse(part.get_content(), content_type=part.get_content_type())
    filename = (part.get_filename() or f"attachment-{index}").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
