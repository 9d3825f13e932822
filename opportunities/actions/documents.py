"""Tender documents: specifications, pricing schedules, terms. Commissioners only.

Documents can change while an opportunity is a draft or open. Once it is open,
bidders may already be working from them, so each change is an amendment:
listed on the page and emailed to followers.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from opportunities import ocds, tasks
from opportunities.actions.publishing import require_commissioner
from opportunities.models import Amendment, OpportunityDocument, Status

CHANGEABLE = frozenset({Status.DRAFT, Status.OPEN})


def _require_changeable(opportunity):
    if opportunity.status not in CHANGEABLE:
        raise ValueError("Documents can only change while the opportunity is a draft or open.")


def _amend_if_open(opportunity, by, summary):
    if opportunity.status == Status.OPEN:
        amendment = Amendment.objects.create(opportunity=opportunity, made_by=by, summary=summary)
        ocds.record_amended(opportunity, amendment)
        tasks.notify_followers_of_amendment.delay_on_commit(amendment.pk)


@transaction.atomic
def add_document(*, opportunity, by, title, file):
    """Attach a tender document to a draft or open opportunity.

    On an open opportunity this is an amendment ('Document added: …') and its
    followers are emailed once the transaction commits.
    """
    require_commissioner(opportunity.publisher, by)
    _require_changeable(opportunity)
    document = OpportunityDocument.objects.create(
        opportunity=opportunity, title=title.strip(), file=file
    )
    _amend_if_open(opportunity, by, _("Document added: %(title)s") % {"title": document.title})
    return document


@transaction.atomic
def remove_document(*, document, by):
    """Delete a tender document of a draft or open opportunity, and its file.

    On an open opportunity this is an amendment ('Document removed: …') and its
    followers are emailed. The file goes only once the removal is committed.
    """
    opportunity = document.opportunity
    require_commissioner(opportunity.publisher, by)
    _require_changeable(opportunity)
    storage, name = document.file.storage, document.file.name
    document.delete()
    _amend_if_open(opportunity, by, _("Document removed: %(title)s") % {"title": document.title})
    transaction.on_commit(lambda: storage.delete(name))
