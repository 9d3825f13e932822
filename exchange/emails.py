"""The exchange's emails. Each goes to the members of one organisation, one message per
person, from the portal: messages between the two sides are relayed in the email and
on the match's page, and nobody is shown the other side's addresses."""

from accounts.emails import absolute_url
from commissioning.emails import members_addresses
from exchange.formats import amount
from exchange.models import Side
from portal.mail import send_each


def _organisation_of(match, side):
    return match.offer.organisation if side == Side.GIVER else match.need.organisation


def _send(match, side, subject, template, **context):
    send_each(
        subject,
        f"exchange/email/{template}",
        {
            "match": match,
            "need": match.need,
            "offer": match.offer,
            "organisation": _organisation_of(match, side),
            "amount": amount(match.quantity, match.offer.unit),
            "url": absolute_url(match.get_absolute_url()),
            **context,
        },
        members_addresses(_organisation_of(match, side)),
    )


def send_proposed(match):
    """Ask the other side to accept or decline a proposed match."""
    proposer = _organisation_of(match, match.proposed_by_side)
    _send(
        match,
        match.answering_side,
        f"{proposer.name} proposes a match: {match.need.title}",
        "proposed.txt",
        proposer=proposer,
    )


def send_answered(match):
    """Tell the proposing side whether the match was accepted, with the reply."""
    answerer = _organisation_of(match, match.answering_side)
    verb = "accepted" if match.accepted_at else "declined"
    _send(
        match,
        match.proposed_by_side,
        f"{answerer.name} {verb} your match: {match.need.title}",
        "answered.txt",
        answerer=answerer,
        accepted=bool(match.accepted_at),
    )


def send_delivery_recorded(delivery):
    """Ask the recipient to confirm help the giver has recorded."""
    match = delivery.match
    _send(
        match,
        Side.RECIPIENT,
        f"Please confirm: {match.offer.organisation.name} recorded help given",
        "delivery_recorded.txt",
        delivery=delivery,
        given=amount(delivery.quantity, match.offer.unit),
    )


def send_delivery_confirmed(delivery):
    """Tell the giver the recipient confirmed the help, with any testimonial."""
    match = delivery.match
    _send(
        match,
        Side.GIVER,
        f"{match.need.organisation.name} confirmed the help you gave",
        "delivery_confirmed.txt",
        delivery=delivery,
        given=amount(delivery.quantity, match.offer.unit),
    )
